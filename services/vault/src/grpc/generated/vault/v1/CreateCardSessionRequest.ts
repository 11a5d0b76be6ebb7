// Original file: services/vault/proto/vault/v1/vault.proto


export interface CreateCardSessionRequest {
  'billingProfileId'?: (string);
  '_billingProfileId'?: "billingProfileId";
}

export interface CreateCardSessionRequest__Output {
  'billingProfileId'?: (string);
}
