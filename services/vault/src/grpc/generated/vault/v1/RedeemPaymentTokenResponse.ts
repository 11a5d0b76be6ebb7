// Original file: services/vault/proto/vault/v1/vault.proto

import type { Invoice as _vault_v1_Invoice, Invoice__Output as _vault_v1_Invoice__Output } from '../../vault/v1/Invoice';

export interface RedeemPaymentTokenResponse {
  'jwe'?: (string);
  'kid'?: (string);
  'invoice'?: (_vault_v1_Invoice | null);
}

export interface RedeemPaymentTokenResponse__Output {
  'jwe'?: (string);
  'kid'?: (string);
  'invoice'?: (_vault_v1_Invoice__Output);
}
