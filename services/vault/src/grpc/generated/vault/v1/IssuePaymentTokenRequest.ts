// Original file: services/vault/proto/vault/v1/vault.proto

import type { Invoice as _vault_v1_Invoice, Invoice__Output as _vault_v1_Invoice__Output } from '../../vault/v1/Invoice';

export interface IssuePaymentTokenRequest {
  'cardId'?: (string);
  'cvc'?: (string);
  'processorId'?: (string);
  'invoice'?: (_vault_v1_Invoice | null);
}

export interface IssuePaymentTokenRequest__Output {
  'cardId'?: (string);
  'cvc'?: (string);
  'processorId'?: (string);
  'invoice'?: (_vault_v1_Invoice__Output);
}
