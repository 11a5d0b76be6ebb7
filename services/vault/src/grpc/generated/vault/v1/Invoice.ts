// Original file: services/vault/proto/vault/v1/vault.proto

import type { Long } from '@grpc/proto-loader';

export interface Invoice {
  'id'?: (string);
  'amount'?: (number | string | Long);
  'currency'?: (string);
  'merchantId'?: (string);
  'partner'?: (string);
}

export interface Invoice__Output {
  'id'?: (string);
  'amount'?: (number);
  'currency'?: (string);
  'merchantId'?: (string);
  'partner'?: (string);
}
