// Original file: services/vault/proto/vault/v1/vault.proto

import type { Card as _vault_v1_Card, Card__Output as _vault_v1_Card__Output } from '../../vault/v1/Card';

export interface ListCardsResponse {
  'data'?: (_vault_v1_Card)[];
  'hasMore'?: (boolean);
}

export interface ListCardsResponse__Output {
  'data'?: (_vault_v1_Card__Output)[];
  'hasMore'?: (boolean);
}
