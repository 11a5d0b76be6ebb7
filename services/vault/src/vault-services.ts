import { BillingProfileService } from './billing-profiles/billing-profile-service.ts';
import { CardSessionService } from './card-sessions/card-session-service.ts';
import { CardService } from './cards/card-service.ts';
import type { Envelope } from './crypto/envelope.ts';
import type { KeyedDigest } from './crypto/keyed-digest.ts';
import type { Fingerprinter } from './crypto/fingerprint.ts';
import type { VaultUnitOfWork } from './storage/repositories.ts';
import { PaymentSettingsService } from './payment-policy/payment-settings-service.ts';
import { RedisRevocationEpochs } from './payment-policy/revocation-epochs.ts';
import { PaymentTokenService } from './payment-tokens/payment-token-service.ts';
import type { PaymentsConfig } from './payment-tokens/payments-config.ts';
import { RedisRateLimiter } from './payment-tokens/rate-limiter.ts';
import { RedisTokenStore } from './payment-tokens/token-store.ts';
import { ProcessorService } from './processors/processor-service.ts';
import type { Redis } from './storage/redis.ts';

/** The one service layer that the HTTP (and, later, gRPC) front ends sit on. */
export interface VaultServices {
  readonly cards: CardService;
  readonly billingProfiles: BillingProfileService;
  readonly cardSessions: CardSessionService;
  readonly processors: ProcessorService;
  readonly paymentSettings: PaymentSettingsService;
  readonly paymentTokens: PaymentTokenService;
}

export interface ServiceDeps {
  readonly uow: VaultUnitOfWork;
  readonly envelope: Envelope;
  readonly fingerprinter: Fingerprinter;
  readonly redis: Redis;
  readonly cardSessions: { readonly ttlSeconds: number; readonly publicBaseUrl: () => string };
  readonly payments: PaymentsConfig;
  readonly cardNumberDigest: KeyedDigest;
  readonly limits: { readonly maxCardsPerUser: number; readonly maxLiveCardSessions: number };
  readonly now?: () => Date;
}

export function buildServices(deps: ServiceDeps): VaultServices {
  const now = deps.now ?? (() => new Date());
  const billingProfiles = new BillingProfileService(deps.uow, deps.envelope);
  const epochs = new RedisRevocationEpochs(deps.redis);
  const cards = new CardService({
    uow: deps.uow,
    envelope: deps.envelope,
    fingerprinter: deps.fingerprinter,
    billingProfiles,
    revokeCardTokens: (owner, cardId) => epochs.bump({ kind: 'card', tenantId: owner.tenantId, userId: owner.userId, cardId }),
    maxCardsPerUser: deps.limits.maxCardsPerUser,
    now,
  });
  const processors = new ProcessorService(deps.uow, (processorId) => epochs.bump({ kind: 'processor', processorId }), now);
  return {
    billingProfiles,
    cards,
    cardSessions: new CardSessionService(deps.uow, billingProfiles, { ...deps.cardSessions, maxLivePerUser: deps.limits.maxLiveCardSessions }, now),
    processors,
    paymentSettings: new PaymentSettingsService(deps.uow, epochs),
    paymentTokens: new PaymentTokenService({
      uow: deps.uow,
      cards,
      billingProfiles,
      processors,
      epochs,
      tokens: new RedisTokenStore(deps.redis),
      rateLimiter: new RedisRateLimiter(deps.redis),
      cardNumberDigest: deps.cardNumberDigest,
      config: deps.payments,
      now,
    }),
  };
}
