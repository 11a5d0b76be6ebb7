// Original file: services/vault/proto/vault/v1/vault.proto


export interface GroupPaymentSettings {
  'tenantId'?: (string);
  'groupId'?: (string);
  'enabled'?: (boolean);
}

export interface GroupPaymentSettings__Output {
  'tenantId'?: (string);
  'groupId'?: (string);
  'enabled'?: (boolean);
}
