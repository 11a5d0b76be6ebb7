import { describe, expect, it } from 'vitest';
import type { RateCounter } from '../../services/vault/src/payment-tokens/rate-limiter.ts';
import { redisKey } from '../../services/vault/src/storage/redis-keys.ts';
import { hex, type RedisSubject, type Subject } from './contract-subjects.ts';

const counter = (limit: number, windowSeconds: number, key = redisKey('rate:card', `t-${hex()}`, hex())): RateCounter => ({ key, limit: { limit, windowSeconds } });

/** What the payment-token limits rely on from `RateLimiter`, for any implementation. */
export function describeRateLimiterContract(name: string, subject: Subject<RedisSubject>): void {
  describe(`RateLimiter contract (${name})`, () => {
    const hit = (...counters: RateCounter[]) => subject().rateLimiter.hit(counters);

    it('allows `limit` attempts in a window, then answers the seconds left in it', async () => {
      const c = counter(3, 600);
      expect([await hit(c), await hit(c), await hit(c)]).toEqual([0, 0, 0]);
      for (let i = 0; i < 2; i++) {
        const wait = await hit(c);
        expect(wait).toBeGreaterThanOrEqual(599);
        expect(wait).toBeLessThanOrEqual(600);
      }
    });

    it('counts each key, and each window length of one key, apart', async () => {
      const long = counter(1, 600);
      const short = { ...long, limit: { limit: 1, windowSeconds: 60 } };
      expect(await hit(long)).toBe(0);
      expect(await hit(long)).toBeGreaterThan(0);
      expect(await hit(short)).toBe(0);
      expect(await hit(counter(1, 600))).toBe(0);
    });

    it('counts the attempt against every counter, and answers the longest wait of those exceeded', async () => {
      const perCard = counter(1, 600);
      const perUser = counter(3, 60);
      expect(await hit(perCard, perUser)).toBe(0);
      expect(await hit(perCard, perUser)).toBeGreaterThanOrEqual(599); // per card over; per user at 2
      expect(await hit(perUser)).toBe(0); // 3
      const wait = await hit(perUser); // 4
      expect(wait).toBeGreaterThanOrEqual(59);
      expect(wait).toBeLessThanOrEqual(60);
      expect(await hit(perUser, perCard)).toBeGreaterThanOrEqual(599);
    });

    it('starts a new window once the last one ends', async () => {
      const c = counter(1, 1);
      expect(await hit(c)).toBe(0);
      expect(await hit(c)).toBe(1);
      await subject().elapse(1_100);
      expect(await hit(c)).toBe(0);
    });
  });
}
