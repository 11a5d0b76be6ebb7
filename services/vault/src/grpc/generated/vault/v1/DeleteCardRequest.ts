// Original file: services/vault/proto/vault/v1/vault.proto


export interface DeleteCardRequest {
  'id'?: (string);
}

export interface DeleteCardRequest__Output {
  'id'?: (string);
}
