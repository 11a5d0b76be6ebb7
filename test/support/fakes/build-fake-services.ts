import type { AuditRecord } from '../../../services/vault/src/audit/audit-event.ts';
import { loadConfig } from '../../../services/vault/src/config/load-config.ts';
import type { VaultConfig } from '../../../services/vault/src/config/vault-config.ts';
import { buildCrypto } from '../../../services/vault/src/crypto/build-crypto.ts';
import { buildServices, serviceSettings, type PaymentStores, type VaultServices } from '../../../services/vault/src/wiring/vault-services.ts';
import { auditEventsOf } from './in-memory-audit-store.ts';
import { FakeClock } from './fake-clock.ts';
import { InMemoryRateLimiter } from './in-memory-rate-limiter.ts';
import { InMemoryRedis } from './in-memory-redis.ts';
import { InMemoryDatabase } from './in-memory-tables.ts';
import { InMemoryTokenStore } from './in-memory-token-store.ts';
import { InMemoryUnitOfWork } from './in-memory-unit-of-work.ts';

export interface FakeVault {
  readonly services: VaultServices;
  readonly config: VaultConfig;
  readonly clock: FakeClock;
  readonly uow: InMemoryUnitOfWork;
  readonly db: InMemoryDatabase;
  readonly redis: InMemoryRedis;
  readonly stores: PaymentStores;
  /** Every audit event written so far, in order. */
  readonly auditEvents: readonly AuditRecord[];
  /** The audit events of one request. */
  eventsOf(requestId: string): AuditRecord[];
}

type Crypto = ReturnType<typeof buildCrypto>;
const cryptoByKeys = new Map<string, Crypto>();

/** The example keys' crypto, built once per key configuration (reading key files is the slow part). */
function cryptoFor(keys: VaultConfig['keys']): Crypto {
  const id = JSON.stringify(keys);
  let crypto = cryptoByKeys.get(id);
  if (!crypto) cryptoByKeys.set(id, (crypto = buildCrypto(keys)));
  return crypto;
}

/**
 * The vault's services, wired by the real `buildServices` the way `buildVault` wires them from config, on
 * in-memory fakes: repositories and unit of work, token store, rate limiter and revocation epochs (one
 * in-memory Redis), all on one `FakeClock`. The crypto is real (example keys, in-process). `env` is read like
 * the vault's environment (VAULT_MAX_CARDS_PER_USER, VAULT_RATE_LIMIT_CARD, VAULT_MISSING_GROUP_POLICY, …).
 */
export function buildFakeServices(options: { env?: Record<string, string>; clock?: FakeClock; adjust?: (config: VaultConfig) => VaultConfig } = {}): FakeVault {
  // The direct issue is allowed to payment-flow, explicitly, for the tests of the issue path; '' restores the default.
  const loaded = loadConfig({ VAULT_KEY_CURRENT: 'v1', VAULT_FINGERPRINT_KEY_CURRENT: 'v1', VAULT_DIRECT_CVC_CALLERS: 'payment-flow', ...options.env });
  // `adjust`: what the environment cannot give on example keys (production mode's settings, say) — applied after.
  const config = options.adjust ? options.adjust(loaded) : loaded;
  const clock = options.clock ?? new FakeClock();
  const { envelope, fingerprinter, digestKey } = cryptoFor(config.keys);
  const db = new InMemoryDatabase();
  const uow = new InMemoryUnitOfWork(db, clock.now);
  const redis = new InMemoryRedis(clock);
  const stores: PaymentStores = { tokens: new InMemoryTokenStore(redis), rateLimiter: new InMemoryRateLimiter(redis),
    sessionTokens: {
      put: async (key, value, expiresAtMs) => void redis.set(key, value, { expiresAt: expiresAtMs }),
      get: async (key) => redis.get(key),
    },
  };
  const services = buildServices({
    uow,
    envelope,
    fingerprinter,
    stores,
    ...serviceSettings(config, digestKey, () => 'https://localhost'),
    now: clock.now,
  });
  return {
    services,
    config,
    clock,
    uow,
    db,
    redis,
    stores,
    get auditEvents() {
      return db.auditEvents.entries;
    },
    eventsOf: (requestId) => auditEventsOf(db.auditEvents.entries, requestId),
  };
}
