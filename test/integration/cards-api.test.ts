import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUTURE_YEAR, newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

let v: TestVault;
beforeAll(async () => {
  v = await startTestVault();
});
afterAll(async () => {
  await v.close();
});

const CARD_KEYS = ['billingProfileId', 'bin', 'brand', 'cardholderName', 'createdAt', 'expMonth', 'expYear', 'fingerprint', 'id', 'last4', 'updatedAt'];

describe('cards through the public and internal listeners', () => {
  it('adds a card with a session secret and lists it masked', async () => {
    const user = newUser();
    const created = await v.addCard(user, visa({ number: '4242 4242 4242 4242' }));
    expect(created.status).toBe(201);
    expect(Object.keys(created.json).sort()).toEqual(CARD_KEYS);
    expect(created.json).toMatchObject({ brand: 'visa', bin: '424242', last4: '4242', expMonth: 12, expYear: FUTURE_YEAR });
    expect(created.json.id).toMatch(/^card_/);
    expect(created.text).not.toContain('4242424242424242');

    const list = await v.internal('/v1/cards', { user });
    expect(list.status).toBe(200);
    expect(list.json.data).toEqual([created.json]);
    const one = await v.internal(`/v1/cards/${created.json.id}`, { user, as: 'payment-flow' });
    expect(one.json).toEqual(created.json);
  });

  it('returns the existing card with duplicate: true for the same PAN, updating expiry and name', async () => {
    const user = newUser();
    const first = await v.addCard(user, visa());
    const again = await v.addCard(user, visa({ number: '4242-4242-4242-4242', expMonth: 1, expYear: FUTURE_YEAR + 1, cardholderName: 'A. Lovelace' }));
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: first.json.id, duplicate: true, expMonth: 1, expYear: FUTURE_YEAR + 1, cardholderName: 'A. Lovelace' });
    const list = await v.internal('/v1/cards', { user });
    expect(list.json.data).toHaveLength(1);
    const rows = await v.database.pool.query('SELECT count(*)::int AS n FROM cards WHERE tenant_id = $1', [user.tid]);
    expect(rows.rows[0].n).toBe(1);
  });

  it('gives the same fingerprint for the same PAN within a tenant, another across tenants', async () => {
    const tenant = `t-fp-${Date.now()}`;
    const a = await v.addCard(newUser(tenant), visa());
    const b = await v.addCard(newUser(tenant), visa());
    const c = await v.addCard(newUser(), visa());
    expect(a.json.fingerprint).toBe(b.json.fingerprint);
    expect(c.json.fingerprint).not.toBe(a.json.fingerprint);
  });

  it('uses a session secret once only', async () => {
    const user = newUser();
    const secret = await v.cardSession(user);
    const headers = { authorization: `CardSession ${secret}` };
    expect((await v.public('/v1/cards', { body: visa(), headers })).status).toBe(201);
    const second = await v.public('/v1/cards', { body: visa({ number: '5555555555554444' }), headers });
    expect(second.status).toBe(401);
    expect(second.json.code).toBe('unauthenticated');
  });

  it('keeps the session usable after a rejected card (a typo does not burn it)', async () => {
    const user = newUser();
    const secret = await v.cardSession(user);
    const headers = { authorization: `CardSession ${secret}` };
    expect((await v.public('/v1/cards', { body: visa({ number: '4242424242424241' }), headers })).status).toBe(422);
    expect((await v.public('/v1/cards', { body: visa(), headers })).status).toBe(201);
  });

  it('refuses an expired session', async () => {
    const user = newUser();
    const secret = await v.cardSession(user);
    await v.database.pool.query(`UPDATE card_entry_sessions SET expires_at = now() - interval '1 second' WHERE tenant_id = $1`, [user.tid]);
    const res = await v.public('/v1/cards', { body: visa(), headers: { authorization: `CardSession ${secret}` } });
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('unauthenticated');
  });

  it('stores only the hash of a session secret', async () => {
    const user = newUser();
    const secret = await v.cardSession(user);
    const { rows } = await v.database.pool.query('SELECT * FROM card_entry_sessions WHERE tenant_id = $1', [user.tid]);
    expect(JSON.stringify(rows)).not.toContain(secret.split('_secret_')[1]);
    expect(rows[0].expires_at.getTime() - rows[0].created_at.getTime()).toBeLessThanOrEqual(900_000 + 1000);
  });

  it('patches expiry, name and billing profile, but never the PAN', async () => {
    const user = newUser();
    const card = (await v.addCard(user, visa())).json;
    const profile = await v.internal('/v1/billing-profiles', {
      user,
      body: { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' },
    });
    expect(profile.status).toBe(201);
    const patched = await v.internal(`/v1/cards/${card.id}`, {
      method: 'PATCH',
      user,
      body: { expMonth: 6, expYear: FUTURE_YEAR + 2, cardholderName: 'Augusta Ada King', billingProfileId: profile.json.id },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ expMonth: 6, expYear: FUTURE_YEAR + 2, cardholderName: 'Augusta Ada King', billingProfileId: profile.json.id, last4: '4242' });
    const pan = await v.internal(`/v1/cards/${card.id}`, { method: 'PATCH', user, body: { number: '5555555555554444' } });
    expect(pan.status).toBe(400);
    expect(pan.json.errors).toEqual([{ path: '', code: 'unknown_field' }]);
  });

  it('deletes a card and its ciphertext', async () => {
    const user = newUser();
    const card = (await v.addCard(user, visa())).json;
    const del = await v.internal(`/v1/cards/${card.id}`, { method: 'DELETE', user });
    expect(del.status).toBe(204);
    expect((await v.internal(`/v1/cards/${card.id}`, { user })).status).toBe(404);
    const { rowCount } = await v.database.pool.query('SELECT 1 FROM cards WHERE id = $1', [card.id]);
    expect(rowCount).toBe(0);
  });

  it('creates a billing profile inline with the card', async () => {
    const user = newUser();
    const res = await v.addCard(user, visa({ billingAddress: { name: 'Ada', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' } }));
    expect(res.status).toBe(201);
    expect(res.json.billingProfileId).toMatch(/^bp_/);
    const profile = await v.internal(`/v1/billing-profiles/${res.json.billingProfileId}`, { user });
    expect(profile.json).toMatchObject({ line1: '1 Main St', country: 'US' });
  });

  it('echoes X-Request-Id and audits card reads with it', async () => {
    const user = newUser();
    const requestId = randomUUID();
    const res = await v.internal('/v1/cards', { user, headers: { 'x-request-id': requestId } });
    expect(res.headers['x-request-id']).toBe(requestId);
    const { rows } = await v.database.pool.query(`SELECT action, outcome, actor_service, user_id FROM audit_events WHERE request_id = $1`, [requestId]);
    expect(rows).toEqual([{ action: 'card.list', outcome: 'success', actor_service: 'account-settings', user_id: user.sub }]);
  });
});

describe('probes and metrics', () => {
  it('/metrics counts requests by listener, route pattern and status, with latency, and nothing of the input', async () => {
    const user = newUser();
    await v.addCard(user, visa());
    await v.internal('/v1/cards/4242424242424242', { user });
    const res = await v.internal('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/vault_http_requests_total\{listener="public",method="POST",route="\/v1\/cards",status="201"\} \d+/);
    expect(res.text).toMatch(/vault_http_requests_total\{listener="internal",method="GET",route="\/v1\/cards\/:id",status="404"\} \d+/);
    expect(res.text).toContain('vault_http_request_duration_seconds_bucket');
    expect(res.text).not.toContain('4242424242');
    expect((await v.internal('/healthz')).json).toEqual({ status: 'ok' });
  });
});
