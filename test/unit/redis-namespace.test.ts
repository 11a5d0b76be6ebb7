import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDIS_KEY_PREFIX } from '../../services/vault/src/config/env-schema.ts';
import { bySlot, hashTagOf, redisKey, type RedisKeyFamily } from '../../services/vault/src/storage/redis-keys.ts';
import { redisKeyPrefix } from '../../services/vault/src/storage/redis-namespace.ts';

const FAMILIES: readonly RedisKeyFamily[] = ['token', 'idem', 'epoch:tenant', 'rate:card', 'rate:user', 'rate:card-number', 'session-token'];
const namespace = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);

describe('Redis key namespaces', () => {
  it('a namespace becomes `<namespace>:` in front of every key; empty is no prefix', () => {
    expect(redisKeyPrefix('3f9a0c1d2e4b5a6c')).toBe('3f9a0c1d2e4b5a6c:');
    expect(redisKeyPrefix('acme-eu_1')).toBe('acme-eu_1:');
    expect(redisKeyPrefix('')).toBe('');
  });

  it('refuses a namespace with a separator, a hash-tag brace, a space or more than 32 characters (the config rule)', () => {
    for (const bad of ['a:b', '{a}', 'a}', 'a b', 'x'.repeat(33), 'a*']) {
      expect(REDIS_KEY_PREFIX.test(bad), bad).toBe(false);
      expect(() => redisKeyPrefix(bad), bad).toThrow('invalid Redis key namespace');
    }
  });

  it('a prefix leaves every key in its hash tag\'s Cluster slot: the tag Redis hashes is the same with it', () => {
    fc.assert(
      fc.property(namespace, fc.constantFrom(...FAMILIES), fc.string({ minLength: 1 }), fc.array(fc.string(), { maxLength: 3 }), (ns, family, tag, parts) => {
        const key = redisKey(family, tag, ...parts);
        expect(hashTagOf(redisKeyPrefix(ns) + key)).toBe(hashTagOf(key));
      }),
    );
  });

  // An empty tag (`{}`) is no tag: Redis hashes the whole key, prefix and all, so such a key is a slot of its own
  // with or without a prefix.
  it('keys grouped by slot stay grouped the same way under a prefix (one script per slot still takes them all)', () => {
    fc.assert(
      fc.property(namespace, fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', ''), fc.string()), { minLength: 1, maxLength: 8 }), (ns, specs) => {
        const keys = specs.map(([tag, part]) => redisKey('rate:card', tag, part));
        const prefixed = bySlot(keys.map((k) => redisKeyPrefix(ns) + k));
        expect(prefixed).toEqual(bySlot(keys).map((group) => group.map((k) => redisKeyPrefix(ns) + k)));
      }),
    );
  });
});
