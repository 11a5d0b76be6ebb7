// Original file: services/vault/proto/vault/v1/vault.proto


export interface SetGroupPaymentSettingsRequest {
  'tenantId'?: (string);
  'groupId'?: (string);
  'enabled'?: (boolean);
  '_enabled'?: "enabled";
}

export interface SetGroupPaymentSettingsRequest__Output {
  'tenantId'?: (string);
  'groupId'?: (string);
  'enabled'?: (boolean);
}
