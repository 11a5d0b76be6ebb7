// Original file: services/vault/proto/vault/v1/vault.proto


export interface PaymentSession {
  'id'?: (string);
  'state'?: (string);
  'expiresAt'?: (string);
  'paymentToken'?: (string);
  'code'?: (string);
}

export interface PaymentSession__Output {
  'id'?: (string);
  'state'?: (string);
  'expiresAt'?: (string);
  'paymentToken'?: (string);
  'code'?: (string);
}
