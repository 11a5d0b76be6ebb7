// Original file: services/vault/proto/vault/v1/vault.proto


export interface SetTenantPaymentSettingsRequest {
  'tenantId'?: (string);
  'enabled'?: (boolean);
  '_enabled'?: "enabled";
}

export interface SetTenantPaymentSettingsRequest__Output {
  'tenantId'?: (string);
  'enabled'?: (boolean);
}
