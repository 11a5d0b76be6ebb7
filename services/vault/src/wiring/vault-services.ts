import { BillingProfileService } from '../billing-profiles/billing-profile-service.ts';
import { CardSessionService } from '../card-sessions/card-session-service.ts';
import { CardService } from '../cards/card-service.ts';
import type { Envelope } from '../crypto/envelope.ts';
import { KeyedDigest } from '../crypto/keyed-digest.ts';
import type { VaultConfig } from '../config/vault-config.ts';
import type { Secret } from '../crypto/secret.ts';
import type { Fingerprinter } from '../crypto/fingerprint.ts';
import type { VaultUnitOfWork } from './repositories.ts';
import { PaymentSettingsService } from '../payment-policy/payment-settings-service.ts';
import { UserErasureService } from '../users/user-erasure-service.ts';
import { ExportRequestService, type ExportPolicy } from '../portability/export-requests.ts';
import { PaymentTokenService } from '../payment-tokens/payment-token-service.ts';
import type { PaymentsConfig } from '../payment-tokens/payments-config.ts';
import { RedisRateLimiter, type RateLimiter } from '../payment-tokens/rate-limiter.ts';
import { RedisTokenStore, type TokenStore } from '../payment-tokens/token-store.ts';
import { ProcessorService } from '../processors/processor-service.ts';
import { PartnerService } from '../partners/partner-service.ts';
import { InvoiceService } from '../invoices/invoice-service.ts';
import type { Redis } from '../storage/redis.ts';
import { redisKey } from '../storage/redis-keys.ts';
import { PaymentSessionService } from '../payment-sessions/payment-session-service.ts';
import { RedisExpiringStrings, SessionTokenStore, type ExpiringStrings } from '../payment-sessions/session-token-store.ts';

/** The one service layer that the HTTP (and, later, gRPC) front ends sit on. */
export interface VaultServices {
  readonly cards: CardService;
  readonly billingProfiles: BillingProfileService;
  readonly cardSessions: CardSessionService;
  readonly processors: ProcessorService;
  /** Invoice partners and their signature keys. */
  readonly partners: PartnerService;
  /** Partner-signed invoices, verified (for payment sessions; no operation of its own). */
  readonly invoices: InvoiceService;
  readonly paymentSettings: PaymentSettingsService;
  readonly userErasure: UserErasureService;
  /** Card exports under dual control. */
  readonly exportRequests: ExportRequestService;
  readonly paymentTokens: PaymentTokenService;
  /** Payment sessions: the pay form's single-use secret, confirmed with the security code on the public listener. */
  readonly paymentSessions: PaymentSessionService;
}

/** What the payment path keeps in Redis: tokens and rate-limit counters (revocation epochs and single use are in PostgreSQL). */
export interface PaymentStores {
  readonly tokens: TokenStore;
  readonly rateLimiter: RateLimiter;
  /** Where confirmed payment sessions keep their token (encrypted) for the payment flow, until it expires. */
  readonly sessionTokens: ExpiringStrings;
}

/** The Redis-backed stores, shared by every vault instance (what production runs on). */
export function redisPaymentStores(redis: Redis): PaymentStores {
  return { tokens: new RedisTokenStore(redis), rateLimiter: new RedisRateLimiter(redis), sessionTokens: new RedisExpiringStrings(redis) };
}

/**
 * Either `redis`, on which the payment stores are built (the composition root), or the `stores` themselves
 * (the service tests pass in-memory fakes) — never both, so no store can silently go to the wrong one.
 */
export type ServiceDeps = ServiceDepsBase & ({ readonly redis: Redis; readonly stores?: never } | { readonly stores: PaymentStores; readonly redis?: never });

interface ServiceDepsBase {
  readonly uow: VaultUnitOfWork;
  readonly envelope: Envelope;
  readonly fingerprinter: Fingerprinter;
  readonly cardSessions: { readonly ttlSeconds: number; readonly publicBaseUrl: () => string };
  readonly paymentSessions: { readonly ttlSeconds: number; readonly maxLivePerUser: number };
  readonly payments: PaymentsConfig;
  readonly cardNumberDigest: KeyedDigest;
  readonly limits: { readonly maxCardsPerUser: number; readonly maxLiveCardSessions: number };
  readonly exports: ExportPolicy;
  readonly now?: () => Date;
}

/**
 * The part of the service deps that comes from configuration: one mapping, used by the composition root and by
 * the service tests' fake vault, so the two cannot wire the services differently.
 */
export function serviceSettings(config: VaultConfig, digestKey: Secret<Uint8Array>, publicBaseUrl: () => string): Pick<ServiceDepsBase, 'cardSessions' | 'paymentSessions' | 'payments' | 'cardNumberDigest' | 'limits' | 'exports'> {
  return {
    cardSessions: { ttlSeconds: config.cardSessions.ttlSeconds, publicBaseUrl: () => config.listeners.publicBaseUrl ?? publicBaseUrl() },
    paymentSessions: config.paymentSessions,
    payments: { ...config.payments, missingGroup: config.identity.missingGroup },
    cardNumberDigest: new KeyedDigest(digestKey, 'card-number-rate-limit'),
    limits: { maxCardsPerUser: config.cards.maxPerUser, maxLiveCardSessions: config.cardSessions.maxLivePerUser },
    exports: { approvalSeconds: config.exports.approvalSeconds, adminTenant: config.exports.adminTenant },
  };
}

export function buildServices(deps: ServiceDeps): VaultServices {
  const now = deps.now ?? (() => new Date());
  const billingProfiles = new BillingProfileService(deps.uow, deps.envelope);
  const { tokens, rateLimiter, sessionTokens } = deps.stores ?? redisPaymentStores(deps.redis);
  const cards = new CardService({
    uow: deps.uow,
    envelope: deps.envelope,
    fingerprinter: deps.fingerprinter,
    billingProfiles,
    maxCardsPerUser: deps.limits.maxCardsPerUser,
    now,
  });
  const invoices = new InvoiceService(deps.uow, { maxAmount: deps.payments.maxAmount }, now);
  const paymentTokens = new PaymentTokenService({
    uow: deps.uow,
    cards,
    billingProfiles,
    tokens,
    rateLimiter,
    cardNumberDigest: deps.cardNumberDigest,
    config: deps.payments,
    now,
  });
  const processors = new ProcessorService(deps.uow, now);
  return {
    billingProfiles,
    cards,
    cardSessions: new CardSessionService(deps.uow, billingProfiles, { ...deps.cardSessions, maxLivePerUser: deps.limits.maxLiveCardSessions }, now),
    processors,
    partners: new PartnerService(deps.uow, now),
    invoices,
    paymentSettings: new PaymentSettingsService(deps.uow),
    userErasure: new UserErasureService(deps.uow),
    exportRequests: new ExportRequestService(deps.uow, deps.exports, now),
    paymentTokens,
    paymentSessions: new PaymentSessionService({
      uow: deps.uow,
      cards,
      invoices,
      paymentTokens,
      tokens: new SessionTokenStore(sessionTokens, deps.envelope, (sessionId) => redisKey('session-token', sessionId)),
      settings: {
        ...deps.paymentSessions,
        publicBaseUrl: deps.cardSessions.publicBaseUrl,
        maxLivePerUser: deps.paymentSessions.maxLivePerUser,
        missingGroup: deps.payments.missingGroup,
      },
      now,
    }),
  };
}
