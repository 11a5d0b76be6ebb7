// Original file: services/vault/proto/vault/v1/vault.proto

import type { Partner as _vault_v1_Partner, Partner__Output as _vault_v1_Partner__Output } from '../../vault/v1/Partner';

export interface ListPartnersResponse {
  'data'?: (_vault_v1_Partner)[];
}

export interface ListPartnersResponse__Output {
  'data'?: (_vault_v1_Partner__Output)[];
}
