import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, redeem, registerExampleProcessors } from '../support/payments.ts';
import { startRedisCluster, type OwnRedisCluster } from '../support/redis-cluster.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

/**
 * The vault on a Redis Cluster of the test's own (three masters, a replica each; VAULT_REDIS_MODE=cluster):
 * tokens, rate limits and revocation epochs of many tenants land on every shard, and each master is failed
 * over (`CLUSTER FAILOVER` on its replica) while tokens are being redeemed.
 */
describe('payments on Redis Cluster', () => {
  let cluster: OwnRedisCluster;
  let v: TestVault;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    v = await startTestVault({ env: { VAULT_REDIS_MODE: 'cluster', VAULT_REDIS_URL: cluster.url, VAULT_RATE_LIMIT_CARD: '3/600' } });
    await registerExampleProcessors(v);
  }, 60_000);
  afterAll(async () => {
    await v?.close();
    await cluster?.stop();
  });

  async function cardOf(user: ReturnType<typeof newUser>): Promise<string> {
    const res = await v.addCard(user, visa());
    expect(res.status).toBe(201);
    return res.json.id;
  }

  it('issues and redeems once, limits per card, and a tenant switch-off revokes (epochs and token on different slots)', async () => {
    const user = newUser();
    const card = await cardOf(user);
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await issueToken(v, user, { cardId: card, cvc: '123' });
      expect(res.status).toBe(201);
      tokens.push(res.json.token);
    }
    expect((await issueToken(v, user, { cardId: card, cvc: '123' })).status).toBe(429);

    expect((await redeem(v, 'freshbooks-payments', tokens[0]!)).status).toBe(404); // another processor's: left alone
    expect((await redeem(v, 'xero-payments', tokens[0]!)).status).toBe(200);
    expect((await redeem(v, 'xero-payments', tokens[0]!)).status).toBe(404);

    expect((await v.internal(`/v1/tenants/${user.tid}/payment-settings`, { as: 'admin', method: 'PUT', body: { enabled: false } })).status).toBe(200);
    expect((await redeem(v, 'xero-payments', tokens[1]!)).status).toBe(404);
    expect((await issueToken(v, user, { cardId: card, cvc: '123' })).status).toBe(403);
  });

  it('every master fails over while tokens are redeemed: no token redeems twice, a lost one answers 404 after a 503, nothing answers 500', async () => {
    // 90 tokens of 30 tenants: their keys hash to slots on every shard.
    const tokens: string[] = [];
    for (let u = 0; u < 30; u++) {
      const user = newUser();
      const card = await cardOf(user);
      for (let i = 0; i < 3; i++) {
        const res = await issueToken(v, user, { cardId: card, cvc: '123' });
        expect(res.status).toBe(201);
        tokens.push(res.json.token);
      }
    }

    const statuses = new Map<number, number>();
    const redeemedOk = new Map<string, number>();
    const unavailableFor = new Set<string>();
    const history = new Map<string, number[]>();
    /** Redeems until an answer that is final for the processor: 200, or 404. A 503 is retried, as a processor would. */
    async function redeemUntilFinal(token: string): Promise<number> {
      for (let attempt = 0; attempt < 100; attempt++) {
        const status = (await redeem(v, 'xero-payments', token)).status;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        history.set(token, [...(history.get(token) ?? []), status]);
        if (status === 200) redeemedOk.set(token, (redeemedOk.get(token) ?? 0) + 1);
        if (status === 503) unavailableFor.add(token);
        if (status !== 503) return status;
        await new Promise((r) => setTimeout(r, 50));
      }
      return 503;
    }

    const masters = (await cluster.topology()).map((t) => t.master);
    let next = 0;
    const finals = new Map<number, number>();
    const workers = Array.from({ length: 4 }, async () => {
      for (let i = next++; i < tokens.length; i = next++) {
        const final = await redeemUntilFinal(tokens[i]!);
        finals.set(final, (finals.get(final) ?? 0) + 1);
        if (failing) duringFailovers++;
        await new Promise((r) => setTimeout(r, 40)); // spread the redemptions over the failovers
      }
    });
    let failing = false;
    let duringFailovers = 0;
    const failovers = (async () => {
      await new Promise((r) => setTimeout(r, 150));
      failing = true;
      for (const master of masters) await cluster.failover(master);
      failing = false;
    })();
    await Promise.all([...workers, failovers]);

    console.log(`Redis Cluster failover run: ${tokens.length} tokens, answers ${JSON.stringify(Object.fromEntries(statuses))}, final ${JSON.stringify(Object.fromEntries(finals))}, ${duringFailovers} redeemed while shards failed over (a 404 is a token spent by a claim whose answer was lost)`);
    expect(duringFailovers).toBeGreaterThanOrEqual(3); // the failovers really happened mid-run
    const promoted = (await cluster.topology()).map((t) => t.master);
    expect(promoted.filter((p) => masters.includes(p))).toEqual([]); // every shard's master changed
    expect([...statuses.keys()].filter((s) => s !== 200 && s !== 404 && s !== 503), v.logs.filter((l) => /"level":(40|50)/.test(l)).slice(0, 4).join('\n')).toEqual([]);
    // None twice. A token whose claim landed while its shard changed hands (the claim ran, its answer did not come
    // back in time) is spent without being delivered: its redemption answered 503, and the retry 404 — never 200
    // again, never 500. Every token that never met a 503 redeemed exactly once.
    expect(tokens.filter((t) => (redeemedOk.get(t) ?? 0) > 1)).toEqual([]);
    expect(tokens.filter((t) => !redeemedOk.has(t) && !unavailableFor.has(t)).map((t) => history.get(t))).toEqual([]);
    expect(tokens.filter((t) => !redeemedOk.has(t)).length).toBeLessThanOrEqual(3); // a handful at most, each after a 503
    // And again, after the failovers: every one is spent.
    for (const token of tokens) expect((await redeem(v, 'xero-payments', token)).status).toBe(404);

    // The vault follows the new topology for new tokens too.
    const user = newUser();
    const fresh = await issueToken(v, user, { cardId: await cardOf(user), cvc: '123' });
    expect(fresh.status).toBe(201);
    expect((await redeem(v, 'xero-payments', fresh.json.token)).status).toBe(200);
  }, 90_000);
});
