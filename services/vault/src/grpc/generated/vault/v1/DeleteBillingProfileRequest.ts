// Original file: services/vault/proto/vault/v1/vault.proto


export interface DeleteBillingProfileRequest {
  'id'?: (string);
}

export interface DeleteBillingProfileRequest__Output {
  'id'?: (string);
}
