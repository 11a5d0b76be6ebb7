// Original file: services/vault/proto/vault/v1/vault.proto


export interface EraseUserDataRequest {
  'tenantId'?: (string);
  'userId'?: (string);
}

export interface EraseUserDataRequest__Output {
  'tenantId'?: (string);
  'userId'?: (string);
}
