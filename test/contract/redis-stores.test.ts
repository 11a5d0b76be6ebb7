import { afterAll, beforeAll } from 'vitest';
import { redisPaymentStores } from '../../services/vault/src/wiring/vault-services.ts';
import { openRedis, type Redis } from '../../services/vault/src/storage/redis.ts';
import { FakeClock } from '../support/fakes/fake-clock.ts';
import { InMemoryRateLimiter } from '../support/fakes/in-memory-rate-limiter.ts';
import { InMemoryRedis } from '../support/fakes/in-memory-redis.ts';
import { InMemoryTokenStore } from '../support/fakes/in-memory-token-store.ts';
import { startRedisCluster, type OwnRedisCluster } from '../support/redis-cluster.ts';
import type { RedisSubject, Subject } from './contract-subjects.ts';
import { describeRateLimiterContract } from './rate-limiter.contract.ts';
import { describeTokenStoreContract } from './token-store.contract.ts';
import { TEST_REDIS_KEY_PREFIX, TEST_REDIS_URL } from '../support/test-redis.ts';

/**
 * The token store and rate limiter, each contract run against the in-memory fakes (one
 * in-memory Redis on a fake clock: time passes at once) and against the Redis-backed stores on the local Redis
 * (time passes for real, so those few tests wait a moment), and against the same stores on a Redis Cluster of
 * this file's own (three masters with a replica each): every script must keep its keys in one slot there, or
 * Redis refuses it with CROSSSLOT — with the key prefix in front too. Keys are built from random ids and under the
 * run's prefix: parallel runs, and vaults, sharing the Redis never meet.
 */
function inMemory(): RedisSubject {
  const clock = new FakeClock();
  const redis = new InMemoryRedis(clock);
  return {
    tokens: new InMemoryTokenStore(redis),
    rateLimiter: new InMemoryRateLimiter(redis),
    now: () => clock.nowMs(),
    elapse: async (ms) => clock.advance(ms),
  };
}

const clients: Redis[] = [];
let cluster: OwnRedisCluster | undefined;
async function onRedis(url: string, mode: 'standalone' | 'cluster'): Promise<RedisSubject> {
  // Under this run's prefix, as a vault runs under its deployment's: another run's or a vault's keys never show.
  const redis = openRedis(url, { mode, keyPrefix: TEST_REDIS_KEY_PREFIX });
  clients.push(redis);
  // The client queues nothing while connecting (it fails closed): wait until it is ready.
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
  const { tokens, rateLimiter } = redisPaymentStores(redis);
  return { tokens, rateLimiter, now: () => Date.now(), elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
}

const subjects: Record<string, RedisSubject> = {};
beforeAll(async () => {
  subjects['in-memory fake'] = inMemory();
  // The Redis the integration tests use: this run's (TEST_REDIS_URL).
  subjects['Redis'] = await onRedis(TEST_REDIS_URL, 'standalone');
  cluster = await startRedisCluster();
  subjects['Redis Cluster'] = await onRedis(cluster.url, 'cluster');
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await cluster?.stop();
});

for (const name of ['in-memory fake', 'Redis', 'Redis Cluster']) {
  const subject: Subject<RedisSubject> = () => subjects[name]!;
  describeTokenStoreContract(name, subject);
  describeRateLimiterContract(name, subject);
}
