// Original file: services/vault/proto/vault/v1/vault.proto


export interface UpdateCardRequest {
  'id'?: (string);
  'expMonth'?: (number);
  'expYear'?: (number);
  'cardholderName'?: (string);
  'billingProfileId'?: (string);
  '_expMonth'?: "expMonth";
  '_expYear'?: "expYear";
  '_cardholderName'?: "cardholderName";
  '_billingProfileId'?: "billingProfileId";
}

export interface UpdateCardRequest__Output {
  'id'?: (string);
  'expMonth'?: (number);
  'expYear'?: (number);
  'cardholderName'?: (string);
  'billingProfileId'?: (string);
}
