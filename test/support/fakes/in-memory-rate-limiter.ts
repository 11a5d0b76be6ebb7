import type { RateCounter, RateLimiter } from '../../../services/vault/src/payment-tokens/rate-limiter.ts';
import type { InMemoryRedis } from './in-memory-redis.ts';

/**
 * Fixed windows over in-memory Redis, as `RedisRateLimiter`'s script counts them: every call counts one attempt
 * against every counter (the window is part of the key); a counter's window starts at its first count and
 * ends `windowSeconds` later; over any limit, the answer is the longest remaining window in whole seconds.
 */
export class InMemoryRateLimiter implements RateLimiter {
  constructor(private readonly redis: InMemoryRedis) {}

  async hit(counters: readonly RateCounter[]): Promise<number> {
    let worst = 0;
    for (const { key, limit } of counters) {
      const windowKey = `${key}:w${limit.windowSeconds}`;
      const n = this.redis.incr(windowKey);
      if (n === 1) this.redis.pexpire(windowKey, limit.windowSeconds * 1000);
      if (n > limit.limit) {
        const ttl = this.redis.ttl(windowKey);
        worst = Math.max(worst, ttl < 1 ? limit.windowSeconds : ttl);
      }
    }
    return worst;
  }
}
