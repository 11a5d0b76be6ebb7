// Original file: services/vault/proto/vault/v1/vault.proto


export interface Card {
  'id'?: (string);
  'brand'?: (string);
  'bin'?: (string);
  'last4'?: (string);
  'expMonth'?: (number);
  'expYear'?: (number);
  'cardholderName'?: (string);
  'billingProfileId'?: (string);
  'fingerprint'?: (string);
  'createdAt'?: (string);
  'updatedAt'?: (string);
  '_billingProfileId'?: "billingProfileId";
}

export interface Card__Output {
  'id'?: (string);
  'brand'?: (string);
  'bin'?: (string);
  'last4'?: (string);
  'expMonth'?: (number);
  'expYear'?: (number);
  'cardholderName'?: (string);
  'billingProfileId'?: (string);
  'fingerprint'?: (string);
  'createdAt'?: (string);
  'updatedAt'?: (string);
}
