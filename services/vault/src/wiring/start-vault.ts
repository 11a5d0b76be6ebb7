/**
 * The vault's start, loaded by main.ts once the command line is parsed: config → database (embedded in dev) →
 * keys → listeners, in one process or as a node:cluster primary and its workers (VAULT_WORKERS).
 */
import cluster from 'node:cluster';
import { unwatchFile, watchFile } from 'node:fs';
import { buildVault } from './build-vault.ts';
import { loadConfigOrExit } from '../config/load-config.ts';
import type { VaultConfig } from '../config/vault-config.ts';
import { devCurlCommands, devModeWarning } from '../dev/dev-banner.ts';
import { listenInternal, listenProbe, listenPublic, type Listening } from '../http/listeners.ts';
import { listenGrpc } from '../grpc/grpc-server.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { migrate, readMigrations } from '../storage/migrator.ts';
import { openConfiguredDatabase } from '../storage/open-configured-database.ts';
import { sqlOn } from '../storage/sql.ts';
import { pendingMigrations } from '../storage/pending-migrations.ts';
import { logRedisAvailability, openRedis } from '../storage/redis.ts';
import { redisKeyPrefix, redisNamespace } from '../storage/redis-namespace.ts';
import { seedExampleProcessors } from '../dev/seed-processors.ts';
import { seedExamplePartners } from '../dev/seed-partners.ts';
import { KeyVersionRepository } from '../key-versions/key-version-repository.ts';
import { ENCRYPTED_RECORD_TYPES } from './encrypted-record-registry.ts';
import { checkKeysMatchData, KeysDoNotMatchData } from '../key-versions/key-check.ts';
import { checkKeysRetryingKmsOutage, KmsUnreachableAtStart } from '../key-versions/key-check-retry.ts';
import { assertPortsFree, listenError, PortInUse, type ConfiguredPort } from '../http/port-check.ts';
import { DataFolderInUse } from '../storage/data-folder-lock.ts';
import { purgeExpiredIdempotency } from '../idempotency/idempotency-record-repository.ts';

/** sysexits.h EX_UNAVAILABLE: a service the vault needs (KMS) stayed unreachable through the start-up wait. */
const EX_UNAVAILABLE = 69;

/**
 * Runs the vault as configured by the environment; exit 78 on invalid configuration, keys that do not match the
 * data, a taken port or data folder, 69 when KMS stays unreachable through VAULT_KMS_STARTUP_WAIT_SECONDS, 1 on
 * any other failed start. Also the body of every cluster worker.
 */
export function startVault(): void {
  const config: VaultConfig = loadConfigOrExit(78);
  const logger = createLogger(config.log.level);
  /** Only one process may open the embedded dev database. */
  const workers = config.database.url ? config.workers : 1;

  /** The listener ports as configured, each with the variable that sets it. */
  const { internal: internalListener, public: publicListener, probe: probeListener, grpc: grpcListener } = config.listeners;
  const configuredPorts: ConfiguredPort[] = [
    { variable: 'VAULT_INTERNAL_PORT', host: internalListener.host, port: internalListener.port },
    { variable: 'VAULT_PUBLIC_PORT', host: publicListener.host, port: publicListener.port },
    { variable: 'VAULT_GRPC_PORT', host: grpcListener.host, port: grpcListener.port },
    ...(probeListener ? [{ variable: 'VAULT_PROBE_PORT', host: '127.0.0.1', port: probeListener.port }] : []),
  ];

  if (cluster.isPrimary && workers > 1) {
    assertPortsFree(configuredPorts).then(() => runPrimary(workers, logger), refusedStart);
  } else {
    start(config, logger, configuredPorts).catch((err: unknown) => {
      if (err instanceof PortInUse || err instanceof DataFolderInUse) refusedStart(err);
      logger.fatal({ err }, 'vault failed to start');
      console.error(`vault failed to start: ${err instanceof Error ? err.message : 'unknown error'}`);
      process.exit(1);
    });
  }
}

async function start(config: VaultConfig, logger: Logger, configuredPorts: readonly ConfiguredPort[]): Promise<void> {
  const dev = config.mode === 'dev';
  /** The process that prints banners and seeds dev data: the only one, or cluster worker 1. */
  const first = cluster.isPrimary || cluster.worker?.id === 1;
  // A taken port fails the start before the database is opened or migrated (cluster workers share the
  // primary's, which checked them).
  if (cluster.isPrimary) await assertPortsFree(configuredPorts);
  const db = await openConfiguredDatabase(config);
  if (dev && first) console.error(devModeWarning(db.description));
  const client = await db.database.pool.connect();
  try {
    if (dev) {
      const report = await migrate(client);
      if (report.applied.length) logger.info({ applied: report.applied }, 'dev mode applied migrations');
    } else {
      const pending = await pendingMigrations(client, readMigrations());
      /* Precondition: production never changes its own schema; it refuses to run on an old one. */
      if (pending.length) throw new Error(`database is missing migrations (${pending.join(', ')}); run npm run migrate`);
    }
  } finally {
    client.release();
  }

  // Keys namespaced per deployment: the database's id (or VAULT_REDIS_KEY_PREFIX) in front of every key.
  const keyPrefix = redisKeyPrefix(await redisNamespace(config.redis.keyPrefix, sqlOn(db.database.pool)));
  const redis = openRedis(config.redis.url, { caFile: config.redis.caFile, mode: config.redis.mode, keyPrefix });
  if (first) logger.info({ redisKeyPrefix: keyPrefix }, 'Redis keys of this deployment start with its prefix');
  logRedisAvailability(redis, logger);
  // Rate counters (the security code's guess limits) and tokens expire on purpose; Redis must never evict one
  // early. Managed Redis may refuse CONFIG.
  redis.once('ready', () => {
    redis.config('GET', 'maxmemory-policy').then(
      (reply) => {
        const policy = (reply as string[])[1];
        if (policy && policy !== 'noeviction') logger.warn({ policy }, 'Redis may evict keys; the vault needs maxmemory-policy noeviction');
      },
      () => {},
    );
  });
  const retired = await new KeyVersionRepository(sqlOn(db.database.pool), ENCRYPTED_RECORD_TYPES).retired();
  let boundPublicBaseUrl = 'https://localhost';
  const vault = buildVault({ config, database: db.database, redis, logger, retired, boundPublicBaseUrl: () => boundPublicBaseUrl });
  const wrapping = config.keys.wrapping;
  const checkKeys = () =>
    checkKeysMatchData({
      db: sqlOn(db.database.pool),
      envelope: vault.envelope,
      fingerprinter: vault.fingerprinter,
      wrappingVariable: wrapping.kind === 'kms' ? 'VAULT_KMS_KEY_ARNS' : 'VAULT_RAW_KEYS_DIR',
      fingerprintVariable: 'VAULT_FINGERPRINT_KEYS_DIR',
      recordTypes: ENCRYPTED_RECORD_TYPES,
    });
  try {
    // KMS may be throttling or away for a while: the check waits for it rather than judge the keys without it.
    if (wrapping.kind === 'kms') {
      await checkKeysRetryingKmsOutage(checkKeys, {
        waitSeconds: wrapping.startupWaitSeconds,
        say: (level, line, fields) => {
          console.error(line);
          logger[level]({ dependency: 'kms', worker: cluster.worker?.id ?? 0, ...fields }, line);
        },
      });
    } else {
      await checkKeys();
    }
  } catch (err) {
    /* Precondition: a vault whose keys cannot open its own data must not serve (it would answer 500s). */
    if (err instanceof KeysDoNotMatchData) {
      console.error(err.message);
      process.exit(78);
    }
    /* Precondition: a vault that cannot reach KMS cannot open a card; an orchestrator restarts it later. */
    if (err instanceof KmsUnreachableAtStart) {
      console.error(err.message);
      logger.error({ dependency: 'kms', outage: err.outage, waitedSeconds: err.waitedSeconds }, err.message);
      process.exit(EX_UNAVAILABLE);
    }
    throw err;
  }
  if (dev && first) {
    await seedExampleProcessors(vault.services.processors);
    await seedExamplePartners(vault.services.partners);
  }
  const { internal, public: pub, probe, grpc } = config.listeners;
  const listeners: Listening[] = [
    await listenInternal(vault.internalApp, config.tls, internal.host, internal.port, config.connections).catch((err: unknown) => Promise.reject(listenError(err, configuredPorts[0]!))),
    await listenPublic(vault.publicApp, config.tls, pub.host, pub.port, config.connections).catch((err: unknown) => Promise.reject(listenError(err, configuredPorts[1]!))),
  ];
  boundPublicBaseUrl = `https://localhost:${listeners[1]!.port}`;
  const portOf = (variable: string) => configuredPorts.find((p) => p.variable === variable)!;
  const grpcListening = await listenGrpc(vault.grpcHandlers, config.tls, grpc.host, grpc.port, vault.ready, config.connections).catch((err: unknown) =>
    Promise.reject(listenError(err, portOf('VAULT_GRPC_PORT'))),
  );
  if (probe) listeners.push(await listenProbe(vault.probeApp, probe.port).catch((err: unknown) => Promise.reject(listenError(err, portOf('VAULT_PROBE_PORT')))));
  if (dev && first) console.error(devCurlCommands(listeners[0]!.port, listeners[1]!.port));
  logger.info(
    { mode: config.mode, worker: cluster.worker?.id ?? 0, internal: `${internal.host}:${listeners[0]!.port}`, public: `${pub.host}:${listeners[1]!.port}`, grpc: `${grpc.host}:${grpcListening.port}`, probe: probe ? `127.0.0.1:${probe.port}` : 'off' },
    'payment vault listening',
  );

  // Certificate rotation without a restart: on SIGHUP, and when a certificate or key file changes on disk.
  const reloadTls = (why: string) => {
    try {
      for (const l of listeners) l.reloadTls();
      grpcListening.reloadTls();
      logger.info({ why }, 'TLS certificates reloaded');
    } catch (err) {
      logger.error({ why, err }, 'TLS reload failed; still serving the previous certificates');
    }
  };
  process.on('SIGHUP', () => reloadTls('SIGHUP'));
  const tlsFiles = [...new Set([config.tls.certFile, config.tls.keyFile, config.tls.clientCaFile, config.tls.publicCertFile, config.tls.publicKeyFile])];
  for (const file of tlsFiles) watchFile(file, { interval: 5_000 }, (now, before) => now.mtimeMs !== before.mtimeMs && reloadTls(`changed: ${file}`));

  // Expired idempotency records (a card add's hold a keyed digest of its request) are deleted within a minute.
  // Releases of expired tokens (a token can never be presented after its expiry; a minute's grace for clocks) too.
  const purge = setInterval(() => {
    purgeExpiredIdempotency(vault.uow.repos.idempotency).catch((err: unknown) => logger.warn({ err }, 'idempotency purge failed'));
    vault.uow.repos.tokenRedemptions.purgeExpired(new Date(Date.now() - 60_000)).catch((err: unknown) => logger.warn({ err }, 'token redemption purge failed'));
  }, 60_000);
  purge.unref();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    for (const file of tlsFiles) unwatchFile(file);
    clearInterval(purge);
    await Promise.all([...listeners.map((l) => l.close()), grpcListening.close()]);
    await vault.failedSecrets.stop();
    redis.disconnect();
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/**
 * Several workers (VAULT_WORKERS) share the listeners through node:cluster: one Node process keeps about one
 * core busy, and a vault process is stateless. The primary only forks, forwards signals and replaces a worker
 * that dies.
 */
function runPrimary(count: number, logger: Logger): void {
  let stopping = false;
  /** Whether a worker has ever opened a listener: until then the vault as a whole is still starting. */
  let served = false;
  cluster.once('listening', () => (served = true));
  const fork = () => cluster.fork();
  for (let i = 0; i < count; i++) fork();
  const stopAll = (exitCode: number): never => {
    stopping = true;
    for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
    process.exit(exitCode);
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    // A configuration a worker refused (exit 78: bad config, keys that do not match the data) is no crash:
    // starting another worker would only refuse again.
    if (code === 78) stopAll(78);
    // A worker that fails while the vault is still starting (KMS unreachable through its wait: 69; the database
    // unreachable: 1; …): the others share what failed it, so the vault gives up with that code as one process
    // would and leaves the next try to its supervisor — it used to restart the worker on an unref'd timer, and
    // when every worker had died at once nothing kept the primary alive: it exited 0. A vault already serving
    // keeps serving and starts another worker (which waits for KMS again, if that was it).
    if (!served) stopAll(code ?? 1);
    logger.error({ worker: worker.id, code, signal }, 'vault worker exited; starting another');
    setTimeout(fork, 1_000);
  });
  const forward = (signal: NodeJS.Signals) => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on('SIGHUP', () => forward('SIGHUP'));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      stopping = true;
      forward(signal);
      setTimeout(() => process.exit(0), 10_000).unref();
      cluster.on('exit', () => Object.keys(cluster.workers ?? {}).length === 0 && process.exit(0));
    });
  }
}

/** A start the operator must fix in the configuration (a taken port, a data folder in use): exit 78, one line. */
function refusedStart(err: unknown): never {
  console.error(`vault refused to start: ${(err as Error).message}`);
  process.exit(78);
}
