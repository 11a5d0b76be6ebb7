// Original file: services/vault/proto/vault/v1/vault.proto


export interface GetPaymentSettingsRequest {
  'tenantId'?: (string);
  'groupId'?: (string);
}

export interface GetPaymentSettingsRequest__Output {
  'tenantId'?: (string);
  'groupId'?: (string);
}
