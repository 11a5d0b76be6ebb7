import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashBearerSecret } from '../../services/vault/src/crypto/secret-hash.ts';
import { redisKey } from '../../services/vault/src/storage/redis-keys.ts';
import { distinctVisa } from '../support/card-numbers.ts';
import { call, vaultClient } from '../support/grpc-client.ts';
import { issueToken, redeem, registerExampleProcessors } from '../support/payments.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

/**
 * GDPR erasure (issue 14): an admin erases one user's data — cards, billing profiles, card-entry sessions, and the
 * outstanding payment tokens revoked — as one audited operation, over HTTP and gRPC; nobody else's data moves; the
 * audit log keeps the events, which hold ids and codes but no name, address or card data.
 */
let v: TestVault;
beforeAll(async () => {
  v = await startTestVault();
  await registerExampleProcessors(v);
});
afterAll(async () => {
  await v?.close();
});

const NAME = 'Erasable Person';
const ADDRESS = { name: NAME, line1: '1 Forgotten Lane', city: 'Oblivia', postalCode: '4242', country: 'NL', email: 'erase.me@example.test' };

/** A user with two cards (one with a billing profile), a live card-entry session and an outstanding token. */
async function userWithData(tenant?: string) {
  const user = newUser(tenant);
  const salt = Date.now() % 100_000;
  const profile = (await v.internal('/v1/billing-profiles', { user, body: ADDRESS })).json;
  const first = (await v.addCard(user, visa({ number: distinctVisa(1, salt), cardholderName: NAME, billingProfileId: profile.id }))).json;
  await v.addCard(user, visa({ number: distinctVisa(2, salt), cardholderName: NAME }));
  await v.cardSession(user); // left open
  const issued = await issueToken(v, user, { cardId: first.id, cvc: '123' });
  expect(issued.status).toBe(201);
  return { user, token: issued.json.token as string, cardId: first.id as string };
}

describe('erasing a user', () => {
  it('over HTTP: removes their cards, billing profiles and sessions, revokes their outstanding token, audited once with counts', async () => {
    const { user, token, cardId } = await userWithData();
    const neighbour = await userWithData(user.tid);
    const res = await v.internal(`/v1/tenants/${user.tid}/users/${user.sub}`, { as: 'admin', method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ tenantId: user.tid, userId: user.sub, cards: 2, billingProfiles: 1, cardSessions: 3 }); // the two used by the card adds, and the open one
    expect((await v.internal('/v1/cards', { user })).json.data).toEqual([]);
    expect((await v.internal('/v1/billing-profiles', { user })).json.data).toEqual([]);
    expect((await v.internal(`/v1/cards/${cardId}`, { user })).status).toBe(404);
    expect((await redeem(v, 'xero-payments', token)).status).toBe(404);
    // The neighbour in the same tenant keeps everything, their token included.
    expect((await v.internal('/v1/cards', { user: neighbour.user })).json.data).toHaveLength(2);
    expect((await redeem(v, 'xero-payments', neighbour.token)).status).toBe(200);

    const { rows } = await v.database.pool.query(`SELECT actor_service, tenant_id, user_id, target, outcome, body::json->>'reason' AS reason FROM audit_events WHERE action = 'user.erase' AND user_id = $1`, [user.sub]);
    expect(rows).toEqual([{ actor_service: 'admin', tenant_id: user.tid, user_id: user.sub, target: user.sub, outcome: 'success', reason: 'cards=2 billing_profiles=1 card_sessions=3' }]);
    // A repeat removes nothing more (and revokes again).
    expect((await v.internal(`/v1/tenants/${user.tid}/users/${user.sub}`, { as: 'admin', method: 'DELETE' })).json).toMatchObject({ cards: 0, billingProfiles: 0, cardSessions: 0 });
  });

  it('the audit log keeps its events, and none of them holds the name, the address or the e-mail', async () => {
    const { rows } = await v.database.pool.query(`SELECT body FROM audit_events`);
    const all = rows.map((r) => r.body).join('\n');
    expect(rows.length).toBeGreaterThan(10);
    for (const personal of [NAME, 'Erasable', ADDRESS.line1, 'Forgotten', ADDRESS.city, ADDRESS.email, ADDRESS.postalCode === '4242' ? '"4242"' : ADDRESS.postalCode]) {
      expect(all).not.toContain(personal);
    }
  });

  it('over gRPC: the same operation', async () => {
    const { user, token } = await userWithData();
    const admin = vaultClient(v.grpcTarget, 'admin');
    try {
      const r = await call<Record<string, unknown>>(admin, 'EraseUserData', { tenantId: user.tid, userId: user.sub });
      expect(r.error).toBeNull();
      expect(r.value).toMatchObject({ tenantId: user.tid, userId: user.sub, cards: 2, billingProfiles: 1, cardSessions: 3 });
      expect((await redeem(v, 'xero-payments', token)).status).toBe(404);
    } finally {
      admin.close();
    }
  });

  it('also revokes a token issued before the per-user epoch existed (it recorded only its card’s epoch)', async () => {
    const { user, token } = await userWithData();
    // Made into such a token: its record in Redis loses the user epoch, as one an older instance issued.
    const key = redisKey('token', hashBearerSecret(token));
    const stored = JSON.parse((await v.redis.get(key))!);
    stored.epochs = Object.fromEntries(Object.entries(stored.epochs as Record<string, string>).filter(([k]) => !k.startsWith('["user"')));
    expect(Object.keys(stored.epochs).some((k) => k.startsWith('["card"'))).toBe(true);
    await v.redis.set(key, JSON.stringify(stored), 'KEEPTTL');
    expect((await v.internal(`/v1/tenants/${user.tid}/users/${user.sub}`, { as: 'admin', method: 'DELETE' })).status).toBe(200);
    expect((await redeem(v, 'xero-payments', token)).status).toBe(404);
  });

  it('only an admin may erase; bad ids are refused with a field error', async () => {
    const { user } = await userWithData();
    for (const as of ['account-settings', 'payment-flow', 'processor-xero-payments']) {
      const res = await v.internal(`/v1/tenants/${user.tid}/users/${user.sub}`, { as, method: 'DELETE' });
      expect(res.status, as).toBe(403);
    }
    expect((await v.internal('/v1/cards', { user })).json.data).toHaveLength(2);
    const bad = await v.internal(`/v1/tenants/${user.tid}/users/${encodeURIComponent('a b')}`, { as: 'admin', method: 'DELETE' });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([{ path: 'userId', code: 'invalid_identifier' }]);
  });
});
