import type { RateLimit } from '../config/vault-config.ts';
import { withinDeadline, type Redis } from '../storage/redis.ts';

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

type RedisWithHit = Redis & { vaultRateHit(numKeys: number, ...args: Array<string | number>): Promise<number> };

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: RedisWithHit;
  constructor(redis: Redis) {
    if (!('vaultRateHit' in redis)) redis.defineCommand('vaultRateHit', { lua: HIT });
    this.redis = redis as RedisWithHit;
  }

  hit(counters: readonly RateCounter[]): Promise<number> {
    /* Precondition: a window is part of the key, so two windows on one subject never share a counter. */
    const keys = counters.map((c) => `${c.key}:w${c.limit.windowSeconds}`);
    const args = counters.flatMap((c) => [c.limit.limit, c.limit.windowSeconds]);
    return withinDeadline(this.redis.vaultRateHit(keys.length, ...keys, ...args));
  }
}
