// Original file: services/vault/proto/vault/v1/vault.proto


export interface TenantPaymentSettings {
  'tenantId'?: (string);
  'enabled'?: (boolean);
}

export interface TenantPaymentSettings__Output {
  'tenantId'?: (string);
  'enabled'?: (boolean);
}
