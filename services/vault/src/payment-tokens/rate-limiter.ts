import type { RateLimit } from '../config/vault-config.ts';
import { bySlot } from '../storage/redis-keys.ts';
import { defineScript, runScript, withinDeadline, type Redis } from '../storage/redis.ts';

/**
 * Fixed-window counters in Redis, shared by every vault instance. Each call counts one attempt against every
 * limit and reports the longest wait if any limit is exceeded.
 */
const HIT = `
local worst = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[i * 2 - 1])
  local window = tonumber(ARGV[i * 2])
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('EXPIRE', key, window) end
  if n > limit then
    local ttl = redis.call('TTL', key)
    if ttl < 1 then ttl = window end
    if ttl > worst then worst = ttl end
  end
end
return worst
`;

/** One counter: its Redis key (built with `redisKey`) and its limit. */
export interface RateCounter {
  readonly key: string;
  readonly limit: RateLimit;
}

export interface RateLimiter {
  /** Counts an attempt; returns 0 when allowed, else the seconds until the window ends. */
  hit(counters: readonly RateCounter[]): Promise<number>;
}

export class RedisRateLimiter implements RateLimiter {
  constructor(private readonly redis: Redis) {
    defineScript(redis, 'vaultRateHit', HIT);
  }

  async hit(counters: readonly RateCounter[]): Promise<number> {
    /* Precondition: a window is part of the key, so two windows on one subject never share a counter. */
    const limits = new Map(counters.map((c) => [`${c.key}:w${c.limit.windowSeconds}`, c.limit]));
    // One script per hash slot (a tenant's counters share one; Redis Cluster refuses a script over two).
    const waits = await Promise.all(
      bySlot([...limits.keys()]).map((keys) =>
        withinDeadline(runScript<number>(this.redis, 'vaultRateHit', keys, keys.flatMap((k) => [limits.get(k)!.limit, limits.get(k)!.windowSeconds]))),
      ),
    );
    return Math.max(0, ...waits);
  }
}
