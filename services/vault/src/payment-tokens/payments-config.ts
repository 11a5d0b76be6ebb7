import type { RateLimit } from '../config/vault-config.ts';
import type { MissingGroupPolicy } from '../payment-policy/payment-policy.ts';

export interface PaymentsConfig {
  readonly tokenTtlSeconds: number;
  /** How long a redeem may be repeated with its redemption id for the same JWE (never past the token's expiry); 0: never. */
  readonly redeemRetrySeconds: number;
  readonly maxAmount: number;
  readonly partners: readonly string[];
  /** Services allowed the direct issue (the security code through the caller); empty: none. */
  readonly directCvcCallers: readonly string[];
  /** Whether the direct issue's unsigned invoice is accepted (dev mode); false: `invoice_unsigned`. */
  readonly unsignedInvoices: boolean;
  readonly missingGroup: MissingGroupPolicy;
  readonly rateLimits: { readonly perCard: RateLimit; readonly perUser: RateLimit; readonly perCardNumber: readonly RateLimit[] };
}
