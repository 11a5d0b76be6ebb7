import type { RateLimit } from '../config/vault-config.ts';

export interface PaymentsConfig {
  readonly tokenTtlSeconds: number;
  readonly maxAmount: number;
  readonly partners: readonly string[];
  readonly rateLimits: { readonly perCard: RateLimit; readonly perUser: RateLimit };
}
