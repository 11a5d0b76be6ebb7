import { randomBytes } from 'node:crypto';
import { redisKeyPrefix } from '../../services/vault/src/storage/redis-namespace.ts';

/**
 * This run's Redis: TEST_REDIS_URL, default the local one (the vault's own dev default). The global setup points
 * it at a throwaway redis-server when nothing answers there; every vault a test starts uses it.
 */
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * This run's key prefix for Redis clients opened without a vault (the contract tests of the Redis stores): the
 * global setup makes one per run (TEST_REDIS_KEY_PREFIX), so a run beside another run or a dev vault on the same
 * Redis never reads their epochs or counters. Test vaults namespace their keys as the vault does: by database.
 */
export const TEST_REDIS_KEY_PREFIX = redisKeyPrefix(process.env['TEST_REDIS_KEY_PREFIX'] ?? `test-${randomBytes(6).toString('hex')}`);
