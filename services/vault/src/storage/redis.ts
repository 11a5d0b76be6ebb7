import { readFileSync } from 'node:fs';
import { Cluster, Redis as RedisServer, type RedisOptions } from 'ioredis';

/** One Redis server, or a Redis Cluster: the stores use only what both answer alike. */
export type Redis = RedisServer | Cluster;
export { RedisServer };

export interface RedisConnectOptions {
  readonly timeoutMs?: number;
  readonly caFile?: string | null;
  /** `cluster`: `url` names one node of a Redis Cluster; the client learns the others and follows the slots. */
  readonly mode?: 'standalone' | 'cluster';
  /**
   * Put in front of every key the client sends (ioredis `keyPrefix`), in commands and in the KEYS of scripts, on
   * one server and on a Cluster alike; '' or absent: none. Built by `redisKeyPrefix` (storage/redis-namespace.ts).
   * Not applied to the patterns of KEYS and SCAN, to the keys those reply with, nor to a key a script builds
   * itself: every key a vault script touches must come in as KEYS.
   */
  readonly keyPrefix?: string;
}

/**
 * An ioredis client that fails closed: no offline queue (a command while disconnected fails at once), one
 * retry per command, and a command timeout — by default ioredis would queue and retry for a long time while
 * a request waits. Auto-pipelining batches concurrent commands (measured 54k vs 35k SET+GETDEL pairs/s).
 *
 * In cluster mode the same settings hold per node; a command that lands on a moving slot follows the MOVED/ASK
 * redirection, and while a shard fails over (no master for its slots) commands fail fast — the request answers
 * 503 and the caller retries — instead of queueing. Every multi-key command the vault sends keeps its keys in one
 * slot (storage/redis-keys.ts hash tags); a key prefix has no braces, so it leaves every key in its tag's slot.
 */
export function openRedis(url: string, options: RedisConnectOptions = {}): Redis {
  const timeoutMs = options.timeoutMs ?? 1_000;
  const tls = url.startsWith('rediss://') ? { tls: { minVersion: 'TLSv1.2' as const, ...(options.caFile ? { ca: readFileSync(options.caFile) } : {}) } } : {};
  const perConnection: RedisOptions = {
    ...tls,
    maxRetriesPerRequest: 1,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
  };
  const keyPrefix = options.keyPrefix ?? '';
  let redis: Redis;
  if (options.mode === 'cluster') {
    const seed = new URL(url);
    redis = new Cluster([{ host: seed.hostname, port: Number(seed.port || 6379) }], {
      redisOptions: {
        ...perConnection,
        // Nodes announce IP addresses; the certificate names the host the operator configured: verify that name.
        ...(tls.tls ? { tls: { ...tls.tls, servername: seed.hostname } } : {}),
        ...(seed.username ? { username: decodeURIComponent(seed.username) } : {}),
        ...(seed.password ? { password: decodeURIComponent(seed.password) } : {}),
      },
      // On the Cluster (which builds the commands), not on its node connections: a key is prefixed once.
      keyPrefix,
      enableOfflineQueue: false,
      // Off on a cluster: an auto-pipeline batches commands of several slots per node, and when a shard changes
      // hands ioredis hands each MOVED back to its caller instead of following it (measured: ~1 s of 503s per
      // failover); single commands follow MOVED/ASK at once and update the slot map.
      enableAutoPipelining: false,
      lazyConnect: false,
      dnsLookup: (address, callback) => callback(null, address),
      slotsRefreshTimeout: timeoutMs,
      retryDelayOnFailover: 100,
      retryDelayOnClusterDown: 100,
      retryDelayOnTryAgain: 100,
      clusterRetryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
  } else {
    redis = new RedisServer(url, {
      ...perConnection,
      keyPrefix,
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      lazyConnect: false,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
  }
  // Connection errors surface on the commands that fail; this keeps them from crashing the process.
  redis.on('error', () => {});
  return redis;
}

/** The longest one Redis call may take before the request fails closed (503), whatever the client queues. */
export const REDIS_DEADLINE_MS = 1_000;

/** A Redis call that did not answer within its deadline. */
export class RedisDeadlineExceeded extends Error {
  override readonly name = 'RedisDeadlineExceeded';
  constructor() {
    super('Command timed out');
  }
}

/**
 * Bounds one Redis call at the vault's level. ioredis' `commandTimeout` starts when a command is written, and
 * with auto-pipelining a command can wait behind a stalled batch before it is written at all; this deadline
 * starts when the vault asks, so a request that needs Redis answers within its bound however the client
 * batches. (The call may still run on Redis later: every write the vault makes is safe to land late — see
 * README "Fail closed".)
 */
export function withinDeadline<T>(call: Promise<T>, ms = REDIS_DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisDeadlineExceeded()), ms);
  });
  return Promise.race([call, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Says in the log when Redis becomes unreachable (at start-up too) and when it is back: while it is away the
 * token routes answer 503 and the card routes keep working, and an operator should not have to guess why.
 */
export function logRedisAvailability(redis: Redis, logger: { warn(o: object, m: string): void; info(o: object, m: string): void }): void {
  let state: 'unknown' | 'up' | 'down' = 'unknown';
  redis.on('ready', () => {
    if (state === 'down') logger.info({ dependency: 'redis' }, 'Redis is reachable again: payment tokens are served');
    state = 'up';
  });
  const down = () => {
    if (state === 'down') return;
    state = 'down';
    logger.warn({ dependency: 'redis' }, 'Redis is unreachable: payment-token routes answer 503 until it is back (card routes keep working)');
  };
  redis.on('error', down);
  redis.on('end', down);
  redis.on('close', () => state === 'up' && down());
}

/**
 * Errors meaning "Redis is not there" (as opposed to a script or data error). On Redis Cluster that includes the
 * redirections and states of a shard changing hands — MOVED, ASK, TRYAGAIN, CLUSTERDOWN: each is answered before
 * the command runs, and ioredis follows the new slot map on the next call, so a 503 and the caller's retry is
 * right (an auto-pipeline whose commands got different redirections hands them back instead of following them).
 */
export function isRedisUnavailable(err: unknown): boolean {
  const e = err as { name?: string; code?: string; message?: string } | null;
  if (!e) return false;
  return (
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH/.test(e.code ?? '') ||
    /MaxRetriesPerRequestError|ClusterAllFailedError|RedisDeadlineExceeded/.test(e.name ?? '') ||
    /Stream isn't writeable|enableOfflineQueue|Connection is closed|Command timed out|connect ETIMEDOUT|LOADING|MASTERDOWN|READONLY|Too many Cluster redirections|Failed to refresh slots cache/.test(e.message ?? '') ||
    (e.name === 'ReplyError' && /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN) /.test(e.message ?? ''))
  );
}

/** The most keys (of one hash slot) a script defined with `defineScript` takes in one call. */
export const MAX_SCRIPT_KEYS = 8;

/**
 * Defines the script `lua` on the client as one command per key count, `<name>_1` … `<name>_8`, each with a fixed
 * number of keys. Fixed, because ioredis cannot tell a custom command's keys when their count is an argument: it
 * groups such a command into an auto-pipeline by its first argument — the count — so on Redis Cluster scripts
 * for different slots were batched together and refused. Defined up front (in the store's constructor): an
 * auto-pipeline already open when a command is defined does not know it.
 */
export function defineScript(redis: Redis, name: string, lua: string): void {
  for (let n = 1; n <= MAX_SCRIPT_KEYS; n++) if (!(`${name}_${n}` in redis)) redis.defineCommand(`${name}_${n}`, { numberOfKeys: n, lua });
}

/** Runs a script defined with `defineScript` over `keys` (all in one hash slot) and `args`. */
export function runScript<T>(redis: Redis, name: string, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<T> {
  const command = (redis as unknown as Record<string, ((...a: Array<string | number>) => Promise<T>) | undefined>)[`${name}_${keys.length}`];
  if (!command) throw new Error(`script ${name} is not defined for ${keys.length} keys`);
  return command.call(redis, ...keys, ...args);
}
