// Original file: services/vault/proto/vault/v1/vault.proto


export interface IssuePaymentTokenResponse {
  'token'?: (string);
  'expiresAt'?: (string);
  'processorId'?: (string);
}

export interface IssuePaymentTokenResponse__Output {
  'token'?: (string);
  'expiresAt'?: (string);
  'processorId'?: (string);
}
