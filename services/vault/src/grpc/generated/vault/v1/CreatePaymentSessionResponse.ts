// Original file: services/vault/proto/vault/v1/vault.proto


export interface CreatePaymentSessionResponse {
  'id'?: (string);
  'clientSecret'?: (string);
  'formUrl'?: (string);
  'expiresAt'?: (string);
}

export interface CreatePaymentSessionResponse__Output {
  'id'?: (string);
  'clientSecret'?: (string);
  'formUrl'?: (string);
  'expiresAt'?: (string);
}
