// Original file: services/vault/proto/vault/v1/vault.proto

import type { BillingProfile as _vault_v1_BillingProfile, BillingProfile__Output as _vault_v1_BillingProfile__Output } from '../../vault/v1/BillingProfile';

export interface ListBillingProfilesResponse {
  'data'?: (_vault_v1_BillingProfile)[];
}

export interface ListBillingProfilesResponse__Output {
  'data'?: (_vault_v1_BillingProfile__Output)[];
}
