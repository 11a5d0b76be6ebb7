// Original file: services/vault/proto/vault/v1/vault.proto


export interface CreatePaymentSessionRequest {
  'cardId'?: (string);
  'processorId'?: (string);
  'invoice'?: (string);
}

export interface CreatePaymentSessionRequest__Output {
  'cardId'?: (string);
  'processorId'?: (string);
  'invoice'?: (string);
}
