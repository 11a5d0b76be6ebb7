import { randomBytes, randomUUID } from 'node:crypto';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintDevAssertion } from '../../services/vault/src/dev/dev-assertion.ts';
import { epochKey } from '../../services/vault/src/payment-policy/revocation-epochs.ts';
import { distinctVisa } from '../support/card-numbers.ts';
import { issueToken, redeem, registerExampleProcessors } from '../support/payments.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

/**
 * One test per weakness the attacker's report (and a read of the code) found; each fails on the vault before
 * the hardening change. On the shared test database and Redis: every tenant, user and PAN is the test's own.
 */
let v: TestVault;
beforeAll(async () => {
  v = await startTestVault({
    env: {
      VAULT_RATE_LIMIT_CARD_NUMBER: '3/600',
      VAULT_MAX_LIVE_CARD_SESSIONS: '2',
      VAULT_MAX_CARDS_PER_USER: '3',
      VAULT_TOKEN_TTL_SECONDS: '120',
    },
  });
  await registerExampleProcessors(v);
});
afterAll(async () => {
  await v.close();
});

const salt = randomBytes(2).readUInt16BE() % 100_000;
let panIndex = Math.floor(Math.random() * 1e8);
const freshPan = () => distinctVisa(panIndex++, salt);

async function cardFor(user = newUser(), number = freshPan()) {
  const res = await v.addCard(user, visa({ number }));
  if (res.status !== 201 && res.status !== 200) throw new Error(res.text);
  return { user, card: res.json as { id: string } };
}

describe('1. a redeemed token is never replayed', () => {
  it('the same redeem with the same Idempotency-Key after the card is deleted opens nothing', async () => {
    const { user, card } = await cardFor();
    const { token } = (await issueToken(v, user, { cardId: card.id, cvc: '123' })).json;
    const headers = { 'idempotency-key': `redeem-${randomUUID()}` };
    const first = await v.internal('/v1/payment-tokens/redeem', { as: 'processor-xero-payments', body: { token }, headers });
    expect(first.status).toBe(200);
    expect((await v.internal(`/v1/cards/${card.id}`, { method: 'DELETE', user })).status).toBe(204);
    const again = await v.internal('/v1/payment-tokens/redeem', { as: 'processor-xero-payments', body: { token }, headers });
    expect(again.status).toBe(404);
    expect(again.json.code).toBe('token_not_found');
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.text).not.toContain(first.json.jwe.slice(0, 40));
  });
  // That an issue's idempotency record lives only as long as its token is shown on a Redis of its own, where
  // every record can be counted: hardening-isolated.test.ts, "what Redis holds after every route".
});

describe('3. the security-code limit is per card number, across users and tenants', () => {
  it('a second user, or a delete and re-add, gets no fresh guesses', async () => {
    const pan = freshPan();
    const a = await cardFor(newUser(), pan);
    const b = await cardFor(newUser(), pan);
    expect((await issueToken(v, a.user, { cardId: a.card.id, cvc: '111' })).status).toBe(201);
    expect((await issueToken(v, a.user, { cardId: a.card.id, cvc: '112' })).status).toBe(201);
    expect((await issueToken(v, b.user, { cardId: b.card.id, cvc: '113' })).status).toBe(201);
    const limited = await issueToken(v, b.user, { cardId: b.card.id, cvc: '114' });
    expect(limited.status).toBe(429);
    expect(limited.json.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await v.internal(`/v1/cards/${a.card.id}`, { method: 'DELETE', user: a.user });
    const readded = await cardFor(a.user, pan);
    expect((await issueToken(v, a.user, { cardId: readded.card.id, cvc: '115' })).status).toBe(429);
    // Nothing of the number in the counter's key.
    // (A pattern is not prefixed by the client: the vault's keys are matched under its prefix.)
    const keys = await v.redis.keys(`${v.redisKeyPrefix}vault:rate:card-number:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join(' ')).not.toContain(pan.slice(0, 10));
  });
});

describe('4. anonymous callers create no durable state', () => {
  it('a made-up session secret with an Idempotency-Key stores nothing and is never replayed', async () => {
    const headers = { authorization: `CardSession cs_${randomBytes(12).toString('base64url')}_secret_${randomBytes(16).toString('base64url')}`, 'idempotency-key': `anon-${randomUUID()}` };
    const first = await v.public('/v1/cards', { body: visa({ number: freshPan() }), headers });
    const second = await v.public('/v1/cards', { body: visa({ number: freshPan() }), headers });
    expect([first.status, second.status]).toEqual([401, 401]);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    // Not one audit row per refused secret (the aggregated event is written once per source and window).
    const { rows } = await v.database.pool.query('SELECT count(*)::int AS n FROM audit_events WHERE request_id = ANY($1)', [[first.json.requestId, second.json.requestId]]);
    expect(rows[0].n).toBeLessThanOrEqual(1);
    // That no idempotency record was stored is shown on a Redis of its own: hardening-isolated.test.ts.
  });
});

describe('4b. refusals are counted even when the caller does not wait for them', () => {
  it('requests closed at once still use up the source’s allowance', async () => {
    // An hour-long window, so no window end falls inside the test.
    const own = await startTestVault({ env: { VAULT_FAILED_SECRETS_PER_SOURCE: '5/3600' } });
    try {
      const url = new URL(own.publicUrl);
      const body = JSON.stringify(visa());
      for (let i = 0; i < 8; i++) {
        await new Promise<void>((resolve) => {
          const socket = tls.connect({ host: '127.0.0.1', port: Number(url.port), servername: 'localhost', rejectUnauthorized: false }, () => {
            const request =
              `POST /v1/cards HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
              `Authorization: CardSession cs_${randomBytes(12).toString('base64url')}_secret_x\r\n\r\n${body}`;
            // Hang up as soon as the request has left: the answer is never read.
            socket.write(request, () => {
              socket.destroy();
              resolve();
            });
          });
          socket.on('error', () => resolve());
        });
      }
      // Asking the throttle itself counts nothing: the abandoned requests alone must have used the allowance.
      await expect.poll(() => own.vault.failedSecrets.retryAfter('127.0.0.1'), { timeout: 10_000, interval: 100 }).toBeGreaterThan(0);
      expect((await own.public('/v1/cards', { body: visa(), headers: { authorization: 'CardSession cs_xxxxxxxxxxxxxxxxxxxxxx_secret_y' } })).status).toBe(429);
    } finally {
      await own.close();
    }
  });
});

describe('6. Redis keys of different tenants never collide', () => {
  it('switching group b of tenant T:a off leaves group a:b of tenant T paying', async () => {
    const t = `t-${randomBytes(4).toString('hex')}`;
    const userOfT = newUser(t, 'a:b');
    const { card } = await cardFor(userOfT);
    const token = (await issueToken(v, userOfT, { cardId: card.id, cvc: '123' })).json.token;
    const off = await v.internal(`/v1/tenants/${encodeURIComponent(`${t}:a`)}/groups/b/payment-settings`, { as: 'admin', method: 'PUT', body: { enabled: false } });
    expect(off.status).toBe(200);
    expect((await redeem(v, 'xero-payments', token)).status).toBe(200);
    expect(epochKey({ kind: 'group', tenantId: t, groupId: 'a:b' })).not.toBe(epochKey({ kind: 'group', tenantId: `${t}:a`, groupId: 'b' }));
  });
});

describe('7–9. input never steers or leaks', () => {
  it('7. a body naming a member twice is refused before validation', async () => {
    const { user, card } = await cardFor();
    const body = `{"cardId":"${card.id}","cvc":"123","processorId":"xero-payments","invoice":{"id":"INV-1","amount":100,"currency":"EUR","merchantId":"m-1","partner":"xero","amount":9999999}}`;
    const res = await v.internal('/v1/payment-tokens', { as: 'payment-flow', user, body });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('duplicate_member');
    const pub = await v.public('/v1/cards', { body: '{"number":"4242424242424242","number":"4000056655665556"}', headers: { authorization: 'CardSession x' } });
    expect(pub.json.code).toBe('duplicate_member');
  });

  it('8. an unknown member is reported at its parent, without its name', async () => {
    const secret = await v.cardSession(newUser());
    const res = await v.public('/v1/cards', { body: { ...visa(), '4111111111111111': 1 }, headers: { authorization: `CardSession ${secret}` } });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([{ path: '', code: 'unknown_field' }]);
    expect(res.text).not.toContain('4111111111');
  });

  it('9. an X-Request-Id that is not a UUID is replaced, never echoed, logged or audited', async () => {
    const user = newUser();
    const res = await v.internal('/v1/cards', { user, headers: { 'x-request-id': '4111111111111111' } });
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(v.logs.join('\n')).not.toContain('4111111111111111');
    const { rows } = await v.database.pool.query('SELECT request_id FROM audit_events WHERE tenant_id = $1', [user.tid]);
    expect(rows.map((r) => r.request_id)).toEqual([res.headers['x-request-id']]);
    const uuid = randomUUID();
    expect((await v.internal('/v1/cards', { user, headers: { 'x-request-id': uuid } })).headers['x-request-id']).toBe(uuid);
  });
});

describe('10. caps and paging', () => {
  it('a user holds at most VAULT_MAX_LIVE_CARD_SESSIONS live card-entry sessions', async () => {
    const user = newUser();
    await v.cardSession(user);
    await v.cardSession(user);
    const third = await v.internal('/v1/card-sessions', { user, body: {} });
    expect(third.status).toBe(429);
    expect(third.json.code).toBe('rate_limited');
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(800);
  });

  it('a user holds at most VAULT_MAX_CARDS_PER_USER cards; a duplicate still updates', async () => {
    const user = newUser();
    const pans = [freshPan(), freshPan(), freshPan()];
    for (const pan of pans) await cardFor(user, pan);
    const fourth = await v.addCard(user, visa({ number: freshPan() }));
    expect(fourth.status).toBe(409);
    expect(fourth.json.code).toBe('card_limit_reached');
    const duplicate = await v.addCard(user, visa({ number: pans[0], cardholderName: 'Renamed' }));
    expect(duplicate.status).toBe(200);
    expect(duplicate.json.duplicate).toBe(true);
  });

  it('lists cards in pages with a cursor, never cut silently', async () => {
    const user = newUser();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await cardFor(user)).card.id);
    const seen: string[] = [];
    let after: string | undefined;
    const more: boolean[] = [];
    do {
      const page = await v.internal(`/v1/cards?limit=2${after ? `&startingAfter=${after}` : ''}`, { user });
      expect(page.status).toBe(200);
      seen.push(...page.json.data.map((c: { id: string }) => c.id));
      more.push(page.json.hasMore);
      after = page.json.hasMore ? page.json.data.at(-1).id : undefined;
    } while (after);
    expect(seen).toEqual(ids);
    expect(more).toEqual([true, false]);
    expect((await v.internal('/v1/cards', { user })).json).toMatchObject({ hasMore: false });
    for (const query of ['limit=0', 'limit=101', 'limit=x', 'startingAfter=card_AAAAAAAAAAAAAAAAAAAAAA', 'sort=id']) {
      const bad = await v.internal(`/v1/cards?${query}`, { user });
      expect(bad.status, query).toBe(400);
    }
    // Another user's card is no cursor.
    expect((await v.internal(`/v1/cards?startingAfter=${ids[0]}`, { user: newUser() })).status).toBe(400);
  });
});

describe('idempotency scopes and revocation retries', () => {
  it('the same Idempotency-Key under another group is another request', async () => {
    const t = `t-${randomBytes(4).toString('hex')}`;
    const sub = `u-${randomBytes(4).toString('hex')}`;
    const headers = { 'idempotency-key': `g-${randomUUID()}` };
    const a = await v.internal('/v1/card-sessions', { user: { sub, tid: t, gid: 'a' }, body: {}, headers });
    const b = await v.internal('/v1/card-sessions', { user: { sub, tid: t, gid: 'b' }, body: {}, headers });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.json.id).not.toBe(a.json.id);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
  });

  it('a delete bumps the card\'s revocation epoch in its own transaction, in PostgreSQL: once, and a retry finds no card', async () => {
    const { user, card } = await cardFor();
    const key = epochKey({ kind: 'card', tenantId: user.tid, userId: user.sub, cardId: card.id });
    const epoch = async () => (await v.database.pool.query(`SELECT epoch::text FROM revocation_epochs WHERE scope = $1`, [key])).rows[0]?.epoch ?? '0';
    expect(await epoch()).toBe('0');
    expect((await v.internal(`/v1/cards/${card.id}`, { method: 'DELETE', user })).status).toBe(204);
    expect(await epoch()).toBe('1');
    expect((await v.internal(`/v1/cards/${card.id}`, { method: 'DELETE', user })).status).toBe(404);
    expect(await epoch()).toBe('1');
  });
});

describe('read from the code', () => {
  it('a user assertion is bound to the service it acts through (azp)', async () => {
    const { user, card } = await cardFor();
    const forSettings = await mintDevAssertion({ ...user, azp: 'account-settings' });
    const replayed = await v.internal('/v1/payment-tokens', { as: 'payment-flow', user: forSettings, body: { cardId: card.id, cvc: '123', processorId: 'xero-payments', invoice: { id: 'I', amount: 1, currency: 'EUR', merchantId: 'm', partner: 'xero' } } });
    expect(replayed.status).toBe(401);
    expect(replayed.json.code).toBe('unauthenticated');
    expect((await v.internal('/v1/cards', { as: 'account-settings', user: forSettings })).status).toBe(200);
  });

  it('production requires azp', async () => {
    const strict = await startTestVault({ env: { VAULT_ASSERTION_REQUIRE_AZP: 'true' } });
    try {
      const user = newUser();
      expect((await strict.internal('/v1/cards', { user: await mintDevAssertion(user) })).status).toBe(401);
      expect((await strict.internal('/v1/cards', { user })).status).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('an assertion without gid cannot pay where the tenant has group settings (missing-gid policy)', async () => {
    const t = `t-${randomBytes(4).toString('hex')}`;
    const user = newUser(t);
    const { card } = await cardFor(user);
    expect((await v.internal(`/v1/tenants/${t}/groups/finance/payment-settings`, { as: 'admin', method: 'PUT', body: { enabled: false } })).status).toBe(200);
    const res = await issueToken(v, user, { cardId: card.id, cvc: '123' });
    expect(res.status).toBe(403);
    expect(res.json.code).toBe('payments_disabled');
    const { rows } = await v.database.pool.query(`SELECT body FROM audit_events WHERE request_id = $1`, [res.json.requestId]);
    expect(JSON.parse(rows[0].body).reason).toBe('group_missing');
    const lenient = await startTestVault({ env: { VAULT_MISSING_GROUP_POLICY: 'allow' } });
    try {
      expect((await issueToken(lenient, user, { cardId: card.id, cvc: '123' })).status).toBe(201);
    } finally {
      await lenient.close();
    }
  });

  it('revocation epochs are rows that commit with the change that revokes, never Redis keys (a failover cannot undo one)', async () => {
    const { user, card } = await cardFor();
    expect((await issueToken(v, user, { cardId: card.id, cvc: '123' })).status).toBe(201);
    expect((await v.internal(`/v1/tenants/${user.tid}/payment-settings`, { as: 'admin', method: 'PUT', body: { enabled: true } })).status).toBe(200);
    expect((await v.internal(`/v1/cards/${card.id}`, { method: 'DELETE', user })).status).toBe(204);
    const { rows } = await v.database.pool.query(`SELECT scope, epoch::text FROM revocation_epochs WHERE scope = ANY($1) ORDER BY scope`, [
      [epochKey({ kind: 'tenant', tenantId: user.tid }), epochKey({ kind: 'card', tenantId: user.tid, userId: user.sub, cardId: card.id })],
    ]);
    expect(rows.map((r) => r.epoch)).toEqual(['1', '1']);
    expect((await v.redis.keys('*epoch*')).filter((k) => k.includes(Buffer.from(user.tid).toString('base64url')))).toEqual([]);
  });
});
