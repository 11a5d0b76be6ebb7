// Original file: services/vault/proto/vault/v1/vault.proto


export interface GetPaymentSessionRequest {
  'id'?: (string);
}

export interface GetPaymentSessionRequest__Output {
  'id'?: (string);
}
