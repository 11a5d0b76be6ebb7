// Original file: services/vault/proto/vault/v1/vault.proto


export interface EraseUserDataResponse {
  'tenantId'?: (string);
  'userId'?: (string);
  'cards'?: (number);
  'billingProfiles'?: (number);
  'cardSessions'?: (number);
}

export interface EraseUserDataResponse__Output {
  'tenantId'?: (string);
  'userId'?: (string);
  'cards'?: (number);
  'billingProfiles'?: (number);
  'cardSessions'?: (number);
}
