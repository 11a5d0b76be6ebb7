// Original file: services/vault/proto/vault/v1/vault.proto


export interface Jwk {
  'kty'?: (string);
  'kid'?: (string);
  'use'?: (string);
  'alg'?: (string);
  'n'?: (string);
  'e'?: (string);
  'crv'?: (string);
  'x'?: (string);
  'y'?: (string);
}

export interface Jwk__Output {
  'kty'?: (string);
  'kid'?: (string);
  'use'?: (string);
  'alg'?: (string);
  'n'?: (string);
  'e'?: (string);
  'crv'?: (string);
  'x'?: (string);
  'y'?: (string);
}
