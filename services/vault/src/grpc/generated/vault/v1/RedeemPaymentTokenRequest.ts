// Original file: services/vault/proto/vault/v1/vault.proto


export interface RedeemPaymentTokenRequest {
  'token'?: (string);
}

export interface RedeemPaymentTokenRequest__Output {
  'token'?: (string);
}
