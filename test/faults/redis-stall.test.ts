import { randomUUID } from 'node:crypto';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOwnRedis, type OwnRedis } from '../support/own-redis.ts';
import { issueToken, redeem, registerExampleProcessors } from '../support/payments.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

/**
 * A Redis of the test's own, frozen (SIGSTOP) for 3 s under steady token traffic, then thawed. Every request
 * that needs it answers within the 2 s bound measured at the client, whatever ioredis' auto-pipelining queues;
 * nothing answers 500; a retry with the same Idempotency-Key after the stall gets a real answer at once (a
 * late-landing claim is released as Redis resumes), never a key stuck for a day; readiness follows Redis.
 */
let redis: OwnRedis;
let v: TestVault;
beforeAll(async () => {
  redis = await startOwnRedis();
  v = await startTestVault({ env: { VAULT_REDIS_URL: redis.url, VAULT_RATE_LIMIT_CARD: '100000/60', VAULT_RATE_LIMIT_USER: '100000/60' } });
  await registerExampleProcessors(v);
});
afterAll(async () => {
  await v.close();
  await redis.stop();
});

interface Sample {
  readonly kind: 'issue' | 'redeem';
  readonly started: number;
  readonly ms: number;
  readonly status: number;
  readonly key?: string;
  readonly body?: Record<string, unknown>;
}

const ready = async () => (await supertest(v.vault.probeApp).get('/readyz')).body.checks.redis as string;

describe('Redis frozen under load', () => {
  it('answers within 2 s, never 500, and a retry with the same key succeeds after the thaw', async () => {
    const users = Array.from({ length: 4 }, () => newUser());
    const cards = await Promise.all(users.map(async (user) => ({ user, id: (await v.addCard(user, visa())).json.id as string })));
    const samples: Sample[] = [];
    const t0 = Date.now();
    const stallFrom = t0 + 1_000;
    const stallUntil = t0 + 4_000;
    const stopAt = t0 + 5_500;
    let readyDuringStall = '';

    const worker = async (w: number) => {
      for (let i = 0; Date.now() < stopAt; i++) {
        const { user, id } = cards[(w + i) % cards.length]!;
        const key = `stall-${randomUUID()}`;
        const body = { cardId: id, cvc: '123' };
        const started = Date.now();
        const issued = await issueToken(v, user, body, { 'idempotency-key': key });
        samples.push({ kind: 'issue', started, ms: Date.now() - started, status: issued.status, key, body });
        if (issued.status === 201) {
          const s2 = Date.now();
          const res = await redeem(v, 'xero-payments', issued.json.token);
          samples.push({ kind: 'redeem', started: s2, ms: Date.now() - s2, status: res.status });
        }
      }
    };
    const chaos = (async () => {
      await new Promise((r) => setTimeout(r, stallFrom - Date.now()));
      redis.pause();
      await new Promise((r) => setTimeout(r, 1_500));
      readyDuringStall = await ready();
      await new Promise((r) => setTimeout(r, stallUntil - Date.now()));
      redis.resume();
    })();
    await Promise.all([chaos, ...Array.from({ length: 8 }, (_, w) => worker(w))]);

    const during = samples.filter((s) => s.started >= stallFrom && s.started < stallUntil);
    const unavailable = samples.filter((s) => s.status === 503);
    const slowest = Math.max(...samples.map((s) => s.ms));
    console.log(
      `redis stall: ${samples.length} requests, ${during.length} started during the 3 s stall, ${unavailable.length} answered 503; ` +
        `first 503 after ${Math.min(...unavailable.map((s) => s.started + s.ms)) - stallFrom} ms, slowest request ${slowest} ms`,
    );
    expect(unavailable.length).toBeGreaterThan(0);
    expect(samples.filter((s) => ![200, 201, 404, 503].includes(s.status))).toEqual([]);
    expect(slowest).toBeLessThan(2_000);
    expect(readyDuringStall).toBe('failing');

    // Recovery without a restart, within 5 s.
    const thawed = Date.now();
    while ((await ready()) !== 'ok') {
      expect(Date.now() - thawed).toBeLessThan(5_000);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Every issue told 503 is retried with its key and body: a real answer now, not 409 for a day.
    const retried = await Promise.all(
      unavailable.filter((s) => s.kind === 'issue').map(async (s) => {
        const user = cards.find((c) => c.id === s.body!['cardId'])!.user;
        return (await issueToken(v, user, s.body!, { 'idempotency-key': s.key! })).status;
      }),
    );
    expect(retried.filter((status) => status !== 201)).toEqual([]);
  });
});
