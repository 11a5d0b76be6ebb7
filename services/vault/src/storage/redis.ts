import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';

export type { Redis };

/**
 * An ioredis client that fails closed: no offline queue (a command while disconnected fails at once), one
 * retry per command, and a command timeout — by default ioredis would queue and retry for a long time while
 * a request waits. Auto-pipelining batches concurrent commands (measured 54k vs 35k SET+GETDEL pairs/s).
 */
export function openRedis(url: string, options: { timeoutMs?: number; caFile?: string | null } = {}): Redis {
  const timeoutMs = options.timeoutMs ?? 1_000;
  const tls = url.startsWith('rediss://') ? { tls: { minVersion: 'TLSv1.2' as const, ...(options.caFile ? { ca: readFileSync(options.caFile) } : {}) } } : {};
  const redis = new Redis(url, {
    ...tls,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    enableAutoPipelining: true,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // Connection errors surface on the commands that fail; this keeps them from crashing the process.
  redis.on('error', () => {});
  return redis;
}

/** Errors meaning "Redis is not there" (as opposed to a script or data error). */
export function isRedisUnavailable(err: unknown): boolean {
  const e = err as { name?: string; code?: string; message?: string } | null;
  if (!e) return false;
  return (
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH/.test(e.code ?? '') ||
    /MaxRetriesPerRequestError|ClusterAllFailedError/.test(e.name ?? '') ||
    /Stream isn't writeable|enableOfflineQueue|Connection is closed|Command timed out|connect ETIMEDOUT|LOADING|MASTERDOWN|READONLY/.test(e.message ?? '')
  );
}
