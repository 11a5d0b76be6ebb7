import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientSource } from '../../services/vault/src/http/client-source.ts';
import { FixedWindowCounts } from '../../services/vault/src/http/fixed-window-counts.ts';
import { FailedSecretThrottle } from '../../services/vault/src/http/failed-secret-throttle.ts';
import { paymentRefusal } from '../../services/vault/src/payment-policy/payment-policy.ts';
import { epochKey } from '../../services/vault/src/payment-policy/revocation-epochs.ts';
import { redisKey } from '../../services/vault/src/storage/redis-keys.ts';
import { createLogger } from '../../services/vault/src/observability/logger.ts';
import type { AuditEventInput } from '../../services/vault/src/audit/audit-event.ts';

describe('Redis keys built from ids are injective', () => {
  it('group a:b of tenant T and group b of tenant T:a are different keys (and so for users)', () => {
    expect(epochKey({ kind: 'group', tenantId: 'T', groupId: 'a:b' })).not.toBe(epochKey({ kind: 'group', tenantId: 'T:a', groupId: 'b' }));
    expect(redisKey('rate:user', 'T', 'a:b')).not.toBe(redisKey('rate:user', 'T:a', 'b'));
    expect(redisKey('epoch:tenant', '{x}')).not.toBe(redisKey('epoch:tenant', 'x'));
  });

  it('carries exactly one hash tag, with no brace or separator from the ids inside it', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.string(), { maxLength: 3 }), (tag, parts) => {
        const key = redisKey('epoch:group', tag, ...parts);
        expect(key.match(/\{/g)).toHaveLength(1);
        expect(key.match(/\}/g)).toHaveLength(1);
        expect(key.split(':')).toHaveLength(4 + parts.length); // vault, epoch, group, {tag}, parts…
      }),
    );
  });

  it('never maps two different (tag, parts) to one key', () => {
    const part = fc.string({ unit: fc.constantFrom('a', 'b', ':', '{', '}', '\\', '') });
    fc.assert(
      fc.property(part, fc.array(part, { maxLength: 3 }), part, fc.array(part, { maxLength: 3 }), (t1, p1, t2, p2) => {
        const same = t1 === t2 && p1.length === p2.length && p1.every((p, i) => p === p2[i]);
        expect(redisKey('rate:card', t1, ...p1) === redisKey('rate:card', t2, ...p2)).toBe(same);
      }),
    );
  });
});

describe('payment refusal (tenant wins; a missing gid is a policy)', () => {
  const on = { tenantEnabled: true, groupEnabled: true, tenantHasGroups: false };
  it('refuses when the tenant or the group is off', () => {
    expect(paymentRefusal({ ...on, tenantEnabled: false }, 'g', 'allow')).toBe('payments_disabled');
    expect(paymentRefusal({ ...on, groupEnabled: false, tenantHasGroups: true }, 'g', 'allow')).toBe('payments_disabled');
  });
  it('Precondition: an identity provider that omits gid must not switch a group\'s "off" back on', () => {
    expect(paymentRefusal({ ...on, tenantHasGroups: true }, null, 'refuse')).toBe('group_missing');
    expect(paymentRefusal({ ...on, tenantHasGroups: true }, null, 'allow')).toBeNull();
    expect(paymentRefusal(on, null, 'refuse')).toBeNull();
  });
});

describe('client source', () => {
  it('is the IPv4 address, the IPv4 of a mapped address, or the /64 of an IPv6 one', () => {
    expect(clientSource('203.0.113.9')).toBe('203.0.113.9');
    expect(clientSource('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientSource('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(clientSource('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientSource('::1')).toBe('0:0:0:0::/64');
    expect(clientSource(undefined)).toBe('unknown');
  });
});

describe('fixed-window counts', () => {
  it('reset with the window and stay bounded in keys', () => {
    const c = new FixedWindowCounts(1_000, 2);
    c.add('a', 0);
    c.add('b', 10);
    c.add('c', 20);
    c.add('d', 30);
    expect([c.get('a', 40), c.get('b', 40), c.get('c', 40), c.get('d', 40)]).toEqual([1, 1, 2, 2]);
    expect(c.secondsLeft(400)).toBe(1);
    expect(c.get('a', 1_000)).toBe(0);
  });
});

describe('refused card-session secrets', () => {
  function throttle(now: { t: number }) {
    const events: AuditEventInput[] = [];
    const t = new FailedSecretThrottle(
      { perSource: { limit: 3, windowSeconds: 60 }, global: { limit: 5, windowSeconds: 60 }, auditedSources: 2 },
      { append: async (e) => void events.push(e), appendAll: async (es) => void events.push(...es) },
      createLogger('silent'),
      () => now.t,
    );
    return { t, events };
  }

  it('throttle a source after its limit; past the global one, every source that has failed — and no other', async () => {
    const now = { t: 0 };
    const { t } = throttle(now);
    for (let i = 0; i < 3; i++) t.recordFailure('a', `r${i}`);
    expect(t.retryAfter('a')).toBe(60);
    expect(t.retryAfter('b')).toBe(0);
    t.recordFailure('b', 'x');
    t.recordFailure('c', 'y');
    expect(t.retryAfter('b')).toBe(60); // global limit reached, and b has failed
    expect(t.retryAfter('fresh')).toBe(0); // a flood cannot switch the form off for everyone
    now.t = 60_000;
    expect(t.retryAfter('a')).toBe(0);
    await t.stop();
  });

  it('are audited as at most 2 × auditedSources + 1 events per window, however many sources', async () => {
    const now = { t: 0 };
    const { t, events } = throttle(now);
    for (let i = 0; i < 1_000; i++) t.recordFailure(`s${i % 50}`, `r${i}`);
    expect(events).toHaveLength(2); // the first failures of s0 and s1
    now.t = 61_000;
    t.recordFailure('s0', 'next-window');
    expect(events).toHaveLength(2 + 2 + 1 + 1); // two summaries, one aggregate, one first event of the new window
    expect(events[2]).toMatchObject({ action: 'card_session.secret_refused', target: 'source:s0', reason: 'unauthenticated;refused=20;throttled=0;window=60s' });
    expect(events[4]).toMatchObject({ target: 'source:other', reason: 'unauthenticated;sources=48;refused=960;throttled=0;window=60s' });
    await t.stop();
  });
});

describe('dev assertions', () => {
  it('carry exp - iat of exactly their lifetime, whatever second the clock is in (was 301 across a tick: a 401 flake)', async () => {
    const { decodeJwt } = await import('jose');
    const { mintDevAssertion } = await import('../../services/vault/src/dev/dev-assertion.ts');
    for (let i = 0; i < 20; i++) {
      const claims = decodeJwt(await mintDevAssertion({ sub: 'u', tid: 't' }));
      expect(claims.exp! - claims.iat!).toBe(300);
    }
  });
});
