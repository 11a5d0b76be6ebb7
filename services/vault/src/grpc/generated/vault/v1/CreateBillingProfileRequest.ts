// Original file: services/vault/proto/vault/v1/vault.proto

import type { BillingAddress as _vault_v1_BillingAddress, BillingAddress__Output as _vault_v1_BillingAddress__Output } from '../../vault/v1/BillingAddress';

export interface CreateBillingProfileRequest {
  'address'?: (_vault_v1_BillingAddress | null);
}

export interface CreateBillingProfileRequest__Output {
  'address'?: (_vault_v1_BillingAddress__Output);
}
