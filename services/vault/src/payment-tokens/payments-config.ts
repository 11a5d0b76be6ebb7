import type { RateLimit } from '../config/vault-config.ts';
import type { MissingGroupPolicy } from '../payment-policy/payment-policy.ts';

export interface PaymentsConfig {
  readonly tokenTtlSeconds: number;
  readonly maxAmount: number;
  readonly partners: readonly string[];
  readonly missingGroup: MissingGroupPolicy;
  readonly rateLimits: { readonly perCard: RateLimit; readonly perUser: RateLimit; readonly perCardNumber: readonly RateLimit[] };
}
