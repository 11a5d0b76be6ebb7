import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintDevAssertion, type AssertionClaims } from '../../services/vault/src/dev/dev-assertion.ts';
import { clientCert, request } from '../support/https-client.ts';
import { startOwnRedis, type OwnRedis } from '../support/own-redis.ts';
import { INVOICE, publicJwks } from '../support/payments.ts';
import { runNpmScriptAsync } from '../support/run-script.ts';
import { scratchDatabase } from '../support/test-database.ts';
import { FUTURE_YEAR, newUser } from '../support/test-vault.ts';
import { startVaultProcess, type VaultProcess } from '../support/vault-process.ts';

/**
 * Three vault processes — as three replicas behind a load balancer — on one PostgreSQL database and one Redis
 * of this test's own (it disables a processor and switches payments off, which must not reach other suites),
 * called round robin. Whatever one replica did, every other one sees at once: tokens, limits, caps, switches.
 */
describe('three vault replicas on one PostgreSQL and one Redis', () => {
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let redis: OwnRedis;
  let vaults: VaultProcess[] = [];
  let turn = 0;
  const next = () => vaults[turn++ % vaults.length]!;
  const as = (service: string) => ({ identity: clientCert(service) });

  beforeAll(async () => {
    [db, redis] = await Promise.all([scratchDatabase(), startOwnRedis()]);
    vaults = await Promise.all(
      [0, 1, 2].map(() =>
        startVaultProcess({ DATABASE_URL: db.url, VAULT_REDIS_URL: redis.url, VAULT_RATE_LIMIT_CARD: '4/600', VAULT_MAX_CARDS_PER_USER: '3', VAULT_MAX_LIVE_CARD_SESSIONS: '20', VAULT_DIRECT_CVC_CALLERS: 'payment-flow' }),
      ),
    );
    const put = await request(vaults[0]!.internalUrl, '/v1/processors/xero-payments', { ...as('admin'), method: 'PUT', body: { name: 'Xero', enabled: true, jwks: publicJwks('xero-payments') } });
    expect([200, 201]).toContain(put.status);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(vaults.map((v) => v.stop()));
    await redis?.stop();
    await db?.drop();
  });

  async function bearer(user: AssertionClaims) {
    return { authorization: `Bearer ${await mintDevAssertion(user)}` };
  }
  /** A card-entry session opened on one replica, the card stored through another's public listener. */
  async function addCard(user: AssertionClaims, number: string) {
    const session = await request(next().internalUrl, '/v1/card-sessions', { ...as('account-settings'), body: {}, headers: await bearer(user) });
    expect(session.status).toBe(201);
    return request(next().publicUrl, '/v1/cards', {
      body: { number, expMonth: 1, expYear: FUTURE_YEAR, cardholderName: 'Replica Holder' },
      headers: { authorization: `CardSession ${session.json.clientSecret}` },
    });
  }
  async function issue(v: VaultProcess, user: AssertionClaims, cardId: string) {
    return request(v.internalUrl, '/v1/payment-tokens', { ...as('payment-flow'), headers: await bearer(user), body: { cardId, cvc: '123', processorId: 'xero-payments', invoice: INVOICE } });
  }
  const redeem = (v: VaultProcess, token: string) => request(v.internalUrl, '/v1/payment-tokens/redeem', { ...as('processor-xero-payments'), body: { token } });

  it('shares tokens, limits, caps, switches and processor state; the audit chain verifies after all three wrote', async () => {
    const user = newUser();
    const numbers = ['4242424242424242', '5555555555554444', '6011111111111117', '378282246310005'];
    const cards: string[] = [];
    for (const n of numbers.slice(0, 3)) {
      const res = await addCard(user, n);
      expect(res.status).toBe(201);
      cards.push(res.json.id);
    }
    // The cards-per-user cap counts what the other replicas stored.
    const fourth = await addCard(user, numbers[3]!);
    expect(fourth.status).toBe(409);
    expect(fourth.json.code).toBe('card_limit_reached');

    // A token issued by one replica redeems on another exactly once, even when all three try at the same moment.
    const issued = await issue(vaults[0]!, user, cards[0]!);
    expect(issued.status).toBe(201);
    const answers = await Promise.all(vaults.map((v) => redeem(v, issued.json.token)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 404, 404]);

    // The per-card limit (4 per window) is one counter for all replicas: 1 above, 3 more round robin, then 429.
    for (let i = 0; i < 3; i++) expect((await issue(next(), user, cards[0]!)).status).toBe(201);
    const limited = await issue(next(), user, cards[0]!);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();

    // Payments switched off on one replica: the others refuse new tokens and redeem no outstanding one, at once.
    const outstanding = (await issue(vaults[1]!, user, cards[1]!)).json.token as string;
    expect((await request(vaults[2]!.internalUrl, `/v1/tenants/${user.tid}/payment-settings`, { ...as('admin'), method: 'PUT', body: { enabled: false } })).status).toBe(200);
    expect((await issue(vaults[0]!, user, cards[1]!)).status).toBe(403);
    expect((await issue(vaults[1]!, user, cards[1]!)).status).toBe(403);
    expect((await redeem(vaults[0]!, outstanding)).status).toBe(404);
    expect((await request(vaults[0]!.internalUrl, `/v1/tenants/${user.tid}/payment-settings`, { ...as('admin'), method: 'PUT', body: { enabled: true } })).status).toBe(200);

    // A processor disabled on one replica: its outstanding tokens die and no replica issues to it.
    const beforeDisable = await issue(vaults[2]!, user, cards[2]!);
    expect(beforeDisable.status).toBe(201);
    expect((await request(vaults[1]!.internalUrl, '/v1/processors/xero-payments', { ...as('admin'), method: 'PUT', body: { name: 'Xero', enabled: false, jwks: publicJwks('xero-payments') } })).status).toBe(200);
    expect((await redeem(vaults[0]!, beforeDisable.json.token)).status).toBe(404);
    for (const v of vaults) expect((await issue(v, user, cards[2]!)).status).not.toBe(201);

    // Concurrent audited writes and reads from all three, then the chain is verified.
    const others = await Promise.all([0, 1, 2, 3, 4, 5].map(async () => newUser()));
    await Promise.all(others.map((u) => addCard(u, numbers[0]!)));
    await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const u = others[i % others.length]!;
        const res = await request(vaults[i % 3]!.internalUrl, '/v1/cards', { ...as('account-settings'), headers: await bearer(u) });
        expect(res.status).toBe(200);
      }),
    );
    const verify = await runNpmScriptAsync('audit:verify', { DATABASE_URL: db.url });
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/every link intact/);
  }, 120_000);
});
