// Original file: services/vault/proto/vault/v1/vault.proto


export interface GetCardRequest {
  'id'?: (string);
}

export interface GetCardRequest__Output {
  'id'?: (string);
}
