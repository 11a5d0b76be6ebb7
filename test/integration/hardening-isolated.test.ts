import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startOwnRedis, type OwnRedis } from '../support/own-redis.ts';
import { INVOICE, issueToken, publicJwks, redeem, registerExampleProcessors } from '../support/payments.ts';
import { scratchDatabase } from '../support/test-database.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

/**
 * Hardening tests that change global state (the processor registry) or count everything in Redis: a database
 * and a Redis of their own, so no other suite's tokens, records or processors are touched or counted.
 */
let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
let redis: OwnRedis;
let v: TestVault;
beforeAll(async () => {
  scratch = await scratchDatabase();
  redis = await startOwnRedis();
  v = await startTestVault({ env: { DATABASE_URL: scratch.url, VAULT_REDIS_URL: redis.url } });
  await registerExampleProcessors(v);
});
afterAll(async () => {
  await v.close();
  await redis.stop();
  await scratch.drop();
});

async function cardAndToken() {
  const user = newUser();
  const card = (await v.addCard(user, visa())).json;
  const issued = await issueToken(v, user, { cardId: card.id, cvc: '123' });
  expect(issued.status).toBe(201);
  return { user, card, token: issued.json.token as string };
}

const putXero = (body: Record<string, unknown>) => v.internal('/v1/processors/xero-payments', { as: 'admin', method: 'PUT', body: { name: 'Xero Payments', enabled: true, jwks: publicJwks('xero-payments'), ...body } });

describe('2. revocation covers every way a processor loses its permission', () => {
  afterEach(() => registerExampleProcessors(v)); // enabled, with its example key, whatever a test left
  it('disabling a processor revokes the tokens it was issued; re-enabling does not bring them back', async () => {
    const { token } = await cardAndToken();
    expect((await putXero({ enabled: false })).status).toBe(200);
    expect((await redeem(v, 'xero-payments', token)).status).toBe(404);
    expect((await putXero({ enabled: true })).status).toBe(200);
    expect((await redeem(v, 'xero-payments', token)).status).toBe(404);
    expect((await redeem(v, 'xero-payments', (await cardAndToken()).token)).status).toBe(200);
  });

  it('removing a key from its JWKS revokes; adding one (a rotation) does not', async () => {
    const { publicKey } = await generateKeyPair('RSA-OAEP-256', { extractable: true });
    const next = { ...(await exportJWK(publicKey)), kid: `xero-next-${randomBytes(3).toString('hex')}`, alg: 'RSA-OAEP-256', use: 'enc' };
    const kept = await cardAndToken();
    expect((await putXero({ jwks: { keys: [...publicJwks('xero-payments').keys, next] } })).status).toBe(200);
    expect((await redeem(v, 'xero-payments', kept.token)).status).toBe(200);

    const dropped = await cardAndToken();
    expect((await putXero({ jwks: { keys: [next] } })).status).toBe(200);
    expect((await redeem(v, 'xero-payments', dropped.token)).status).toBe(404);
  });

  it('(regression) card deleted and tenant switched off still revoke', async () => {
    const a = await cardAndToken();
    expect((await v.internal(`/v1/cards/${a.card.id}`, { method: 'DELETE', user: a.user })).status).toBe(204);
    expect((await redeem(v, 'xero-payments', a.token)).status).toBe(404);
    const b = await cardAndToken();
    expect((await v.internal(`/v1/tenants/${b.user.tid}/payment-settings`, { as: 'admin', method: 'PUT', body: { enabled: false } })).status).toBe(200);
    expect((await redeem(v, 'xero-payments', b.token)).status).toBe(404);
  });
});

describe('what Redis holds after every route', () => {
  const PAN = '371449635398431';
  const CVC = '7391';
  const standalone = new RegExp(`(?<![A-Za-z0-9_-])${CVC}(?![A-Za-z0-9_-])`);
  const panRuns = Array.from({ length: PAN.length - 9 }, (_, i) => PAN.slice(i, i + 10));
  const leaks = (text: string) => [...(standalone.test(text) ? [CVC] : []), ...panRuns.filter((r) => text.includes(r))];

  it('no PAN, no CVC, and idempotency records only of authenticated, replayable requests', async () => {
    const idem = () => ({ 'idempotency-key': `k-${randomUUID()}` });
    const user = newUser();
    // Successful, each with an Idempotency-Key: four replayable writes.
    const session = await v.internal('/v1/card-sessions', { user, body: {}, headers: idem() });
    expect(session.status).toBe(201);
    const card = await v.public('/v1/cards', { body: visa({ number: PAN }), headers: { authorization: `CardSession ${session.json.clientSecret}`, ...idem() } });
    expect(card.status).toBe(201);
    const profile = await v.internal('/v1/billing-profiles', { user, body: { name: 'A', line1: 'l', city: 'c', postalCode: 'p', country: 'FR' }, headers: idem() });
    expect(profile.status).toBe(201);
    const issued = await issueToken(v, user, { cardId: card.json.id, cvc: CVC, invoice: INVOICE }, idem());
    expect(issued.status).toBe(201);
    // Not replayable: redeem.
    expect((await v.internal('/v1/payment-tokens/redeem', { as: 'processor-xero-payments', body: { token: issued.json.token }, headers: idem() })).status).toBe(200);
    // The rest of the routes.
    for (const [path, opts] of [
      ['/v1/cards', { user }],
      [`/v1/cards/${card.json.id}`, { user }],
      [`/v1/cards/${card.json.id}`, { user, method: 'PATCH', body: { cardholderName: 'B' } }],
      ['/v1/billing-profiles', { user }],
      [`/v1/billing-profiles/${profile.json.id}`, { user, method: 'PATCH', body: { city: 'd' } }],
      [`/v1/tenants/${user.tid}/groups/g/payment-settings`, { as: 'admin' }],
      ['/v1/processors', { as: 'admin' }],
      [`/v1/cards/${card.json.id}`, { user, method: 'DELETE' }],
      [`/v1/billing-profiles/${profile.json.id}`, { user, method: 'DELETE' }],
    ] as const) {
      const res = await v.internal(path, opts);
      expect(res.status, path).toBeLessThan(300);
    }
    // Refused, with keys: wrong scope, bad assertion, a used token, a bad body.
    expect((await v.internal('/v1/payment-tokens', { as: 'account-settings', user, body: { cardId: 'x' }, headers: idem() })).status).toBe(403);
    expect((await v.internal('/v1/card-sessions', { body: {}, headers: { authorization: 'Bearer x.y.z', ...idem() } })).status).toBe(401);
    expect((await v.internal('/v1/payment-tokens/redeem', { as: 'processor-xero-payments', body: { token: issued.json.token }, headers: idem() })).status).toBe(404);
    // Anonymous: made-up secrets with keys, the form itself.
    for (let i = 0; i < 5; i++) {
      const secret = `cs_${randomBytes(12).toString('base64url')}_secret_${randomBytes(16).toString('base64url')}`;
      expect((await v.public('/v1/cards', { body: visa({ number: PAN }), headers: { authorization: `CardSession ${secret}`, ...idem() } })).status).toBe(401);
    }
    expect((await v.public('/v1/card-form')).status).toBe(200);

    const found: string[] = [];
    const idemRecords: Array<{ key: string; ttl: number }> = [];
    // Every key on the server, read as stored: through a client without the vault's prefix.
    const server = await v.serverRedis();
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const value = (await server.type(key)) === 'string' ? await server.get(key) : JSON.stringify(await server.dump(key));
        found.push(...leaks(key), ...leaks(value ?? ''));
        if (key.startsWith(`${v.redisKeyPrefix}vault:idem:`)) idemRecords.push({ key, ttl: await server.ttl(key) });
      }
    } while (cursor !== '0');
    expect(found).toEqual([]);
    // Redis keeps the record of the one write that goes only to Redis (the token issue), for the token's life.
    expect(idemRecords).toHaveLength(1);
    expect(idemRecords[0]!.ttl).toBeLessThanOrEqual(300);
    // The three database writes keep theirs in PostgreSQL, committed with the write: the session's (it holds
    // the secret) and the card add's for the card-entry session's life, the profile's for 24 h.
    const { rows } = await v.database.pool.query<{ seconds: number }>(
      `SELECT extract(epoch FROM expires_at - now())::int AS seconds FROM idempotency_records ORDER BY expires_at`,
    );
    expect(rows.map((r) => r.seconds <= 900)).toEqual([true, true, false]);
    expect(rows[2]!.seconds).toBeGreaterThan(86_000);
  });
});

describe('4. an anonymous flood', () => {
  it('1,000 bad secrets: 429 after the per-source limit, at most 2 audit rows', async () => {
    const statuses: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 1_000; i++) {
      const requestId = randomUUID();
      ids.push(requestId);
      const secret = `cs_${randomBytes(12).toString('base64url')}_secret_${randomBytes(16).toString('base64url')}`;
      const res = await v.public('/v1/cards', { body: visa(), headers: { authorization: `CardSession ${secret}`, 'x-request-id': requestId } });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    const refused = statuses.filter((s) => s === 401).length;
    // VAULT_FAILED_SECRETS_PER_SOURCE 20/60: 20 per window, and the flood (a few seconds) may cross one window end.
    expect(refused).toBeLessThanOrEqual(40);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(960);
    await v.vault.failedSecrets.stop(); // what shutdown does: write the window's summary
    // This database is the file's own: every refused secret of this file (the flood and the scan test's five),
    // from one source, in one or two windows.
    const { rows } = await v.database.pool.query(`SELECT body FROM audit_events WHERE action = 'card_session.secret_refused'`);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.length).toBeLessThanOrEqual(4); // ≤ 2 per source per window; the run may straddle one window end
    const reasons = rows.map((r) => JSON.parse(r.body).reason as string);
    const counted = reasons.map((r) => /refused=(\d+);throttled=(\d+)/.exec(r)).filter((m) => m !== null);
    expect(counted.reduce((n, m) => n + Number(m[1]) + Number(m[2]), 0)).toBe(1_005);
    const { rows: others } = await v.database.pool.query(`SELECT count(*)::int AS n FROM audit_events WHERE action <> 'card_session.secret_refused' AND request_id = ANY($1)`, [ids]);
    expect(others[0].n).toBe(0);
  });
});
