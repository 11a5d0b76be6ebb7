// Original file: services/vault/proto/vault/v1/vault.proto


export interface RedeemPaymentTokenRequest {
  'token'?: (string);
  'redemptionId'?: (string);
  '_redemptionId'?: "redemptionId";
}

export interface RedeemPaymentTokenRequest__Output {
  'token'?: (string);
  'redemptionId'?: (string);
}
