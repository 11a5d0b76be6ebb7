// Original file: services/vault/proto/vault/v1/vault.proto


export interface CreateCardSessionResponse {
  'id'?: (string);
  'clientSecret'?: (string);
  'expiresAt'?: (string);
  'formUrl'?: (string);
}

export interface CreateCardSessionResponse__Output {
  'id'?: (string);
  'clientSecret'?: (string);
  'expiresAt'?: (string);
  'formUrl'?: (string);
}
