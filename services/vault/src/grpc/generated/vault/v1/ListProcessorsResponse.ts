// Original file: services/vault/proto/vault/v1/vault.proto

import type { Processor as _vault_v1_Processor, Processor__Output as _vault_v1_Processor__Output } from '../../vault/v1/Processor';

export interface ListProcessorsResponse {
  'data'?: (_vault_v1_Processor)[];
}

export interface ListProcessorsResponse__Output {
  'data'?: (_vault_v1_Processor__Output)[];
}
