// Original file: services/vault/proto/vault/v1/vault.proto

import type { Jwks as _vault_v1_Jwks, Jwks__Output as _vault_v1_Jwks__Output } from '../../vault/v1/Jwks';

export interface Partner {
  'id'?: (string);
  'name'?: (string);
  'enabled'?: (boolean);
  'jwks'?: (_vault_v1_Jwks | null);
  'updatedAt'?: (string);
}

export interface Partner__Output {
  'id'?: (string);
  'name'?: (string);
  'enabled'?: (boolean);
  'jwks'?: (_vault_v1_Jwks__Output);
  'updatedAt'?: (string);
}
