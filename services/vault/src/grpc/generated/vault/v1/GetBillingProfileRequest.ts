// Original file: services/vault/proto/vault/v1/vault.proto


export interface GetBillingProfileRequest {
  'id'?: (string);
}

export interface GetBillingProfileRequest__Output {
  'id'?: (string);
}
