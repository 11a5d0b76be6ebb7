// Original file: services/vault/proto/vault/v1/vault.proto

import type { Jwk as _vault_v1_Jwk, Jwk__Output as _vault_v1_Jwk__Output } from '../../vault/v1/Jwk';

export interface Jwks {
  'keys'?: (_vault_v1_Jwk)[];
}

export interface Jwks__Output {
  'keys'?: (_vault_v1_Jwk__Output)[];
}
