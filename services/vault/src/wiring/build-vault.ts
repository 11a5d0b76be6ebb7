import type { Express } from 'express';
import type { VaultConfig } from '../config/vault-config.ts';
import { buildCrypto, type RetiredKeys } from '../crypto/build-crypto.ts';
import type { Envelope } from '../crypto/envelope.ts';
import type { Fingerprinter } from '../crypto/fingerprint.ts';
import { buildInternalApp, buildProbeApp, buildPublicApp } from './http-apps.ts';
import { UserAssertionVerifier } from '../identity/user-assertion.ts';
import type { Logger } from '../observability/logger.ts';
import { VaultMetrics } from '../observability/metrics.ts';
import { readinessCheck } from '../observability/readiness.ts';
import type { Database } from '../storage/database.ts';
import type { Redis } from '../storage/redis.ts';
import { IDEMPOTENCY_TTL_SECONDS, IdempotencyStore } from '../idempotency/idempotency-store.ts';
import { Admission } from '../operations/admission.ts';
import { IdempotentCalls } from '../operations/idempotent-calls.ts';
import { WriteIdempotency } from '../idempotency/write-idempotency.ts';
import { KeyedDigest } from '../crypto/keyed-digest.ts';
import { vaultUnitOfWork, type VaultUnitOfWork } from './repositories.ts';
import { buildServices, serviceSettings, type VaultServices } from './vault-services.ts';
import { FailedSecretThrottle } from '../http/failed-secret-throttle.ts';
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { GrpcCallDeps } from '../grpc/grpc-call.ts';
import { operationHandlers } from '../grpc/operation-handlers.ts';
import { OPERATIONS } from './operation-table.ts';
import type { ReadinessReport } from '../observability/readiness.ts';

export interface Vault {
  readonly internalApp: Express;
  readonly publicApp: Express;
  readonly probeApp: Express;
  readonly services: VaultServices;
  readonly uow: VaultUnitOfWork;
  readonly envelope: Envelope;
  readonly fingerprinter: Fingerprinter;
  readonly metrics: VaultMetrics;
  /** The public listener's throttle of refused card-session secrets; `stop()` it at shutdown. */
  readonly failedSecrets: FailedSecretThrottle;
  /** What the gRPC front end needs: the same admission, idempotency runner, logger and metrics as HTTP. */
  readonly grpc: GrpcCallDeps;
  /** `vault.v1.Vault`'s methods, bound to the services through `grpc` (what `listenGrpc` serves). */
  readonly grpcHandlers: UntypedServiceImplementation;
  /** Readiness of PostgreSQL, Redis and the keyring (probes, gRPC health). */
  readonly ready: () => Promise<ReadinessReport>;
}

export interface VaultDeps {
  readonly config: VaultConfig;
  readonly database: Database;
  readonly redis: Redis;
  readonly logger: Logger;
  /** Key versions retired in the database; never loaded. */
  readonly retired?: RetiredKeys;
  readonly now?: () => Date;
  /** The public listener's origin when the config leaves it to the bound port (VAULT_PUBLIC_PORT=0). */
  readonly boundPublicBaseUrl?: () => string;
}

/** The composition root: real implementations wired once. Tests call it with the real Postgres. */
export function buildVault({ config, database, redis, logger, retired, now, boundPublicBaseUrl }: VaultDeps): Vault {
  const { envelope, fingerprinter, digestKey } = buildCrypto(config.keys, retired);
  const uow = vaultUnitOfWork(database.pool, config.audit.chains);
  const services = buildServices({
    uow,
    envelope,
    fingerprinter,
    redis,
    ...serviceSettings(config, digestKey, () => boundPublicBaseUrl?.() ?? 'https://localhost'),
    ...(now ? { now } : {}),
  });
  const metrics = new VaultMetrics();
  // One keyed digest for both idempotency stores (their keys differ by a prefix).
  const idempotencyDigest = new KeyedDigest(digestKey, 'idempotency');
  const failedSecrets = new FailedSecretThrottle(config.cardSessions.failedSecrets, uow.repos.audit, logger);
  const deps = {
    services,
    cardFormOrigins: config.cardForm.embeddingOrigins,
    failedSecrets,
    idempotency: new IdempotentCalls({
      redis: new IdempotencyStore(redis, idempotencyDigest, envelope),
      database: new WriteIdempotency(idempotencyDigest, envelope, uow.repos.idempotency),
      logger,
      lifeSeconds: { 'card-session': config.cardSessions.ttlSeconds, 'payment-session': config.paymentSessions.ttlSeconds, 'payment-token': services.paymentTokens.tokenTtlSeconds, day: IDEMPOTENCY_TTL_SECONDS },
    }),
    logger,
    metrics,
    ready: readinessCheck({ pingDatabase: () => database.ping(), pingRedis: async () => void (await redis.ping()), envelope }),
    auth: {
      trustDomain: config.identity.trustDomain,
      admission: new Admission({ serviceScopes: config.identity.serviceScopes, verifier: new UserAssertionVerifier(config.identity.assertion), audit: uow.repos.audit }),
    },
  };
  const grpc: GrpcCallDeps = { admission: deps.auth.admission, calls: deps.idempotency, trustDomain: config.identity.trustDomain, logger, metrics };
  return {
    internalApp: buildInternalApp(deps),
    publicApp: buildPublicApp(deps),
    probeApp: buildProbeApp(deps),
    services,
    uow,
    envelope,
    fingerprinter,
    metrics,
    failedSecrets,
    grpc,
    grpcHandlers: operationHandlers(Object.values(OPERATIONS), services, grpc),
    ready: deps.ready,
  };
}
