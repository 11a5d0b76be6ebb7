import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOICE, issueToken, openWithJose, openWithNodeJose, redeem, registerExampleProcessors } from '../support/payments.ts';
import { FUTURE_YEAR, newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

let v: TestVault;
beforeAll(async () => {
  v = await startTestVault();
  await registerExampleProcessors(v);
});
afterAll(async () => {
  await v.close();
});

const address = { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };

async function cardFor(user = newUser(), card: Record<string, unknown> = visa()) {
  const res = await v.addCard(user, card);
  if (res.status !== 201) throw new Error(res.text);
  return { user, card: res.json };
}

describe('issue and redeem a payment token', () => {
  for (const processor of ['xero-payments', 'freshbooks-payments'] as const) {
    it(`${processor}: the processor's JWE opens with node-jose and jose to the card, CVC and invoice`, async () => {
      const { user, card } = await cardFor(newUser(), visa({ billingAddress: address }));
      const invoice = { ...INVOICE, partner: processor === 'xero-payments' ? 'xero' : 'freshbooks' };
      const issued = await issueToken(v, user, { cardId: card.id, cvc: '123', processorId: processor, invoice });
      expect(issued.status, issued.text).toBe(201);
      expect(issued.json.token).toMatch(/^pt_[A-Za-z0-9_-]{43}$/);
      expect(issued.json.processorId).toBe(processor);
      const ttl = new Date(issued.json.expiresAt).getTime() - Date.now();
      expect(ttl).toBeGreaterThan(290_000);
      expect(ttl).toBeLessThanOrEqual(300_000);
      expect(issued.text).not.toMatch(/4242424242|"123"/);

      const redeemed = await redeem(v, processor, issued.json.token);
      expect(redeemed.status).toBe(200);
      expect(redeemed.json.invoice).toEqual(invoice);
      for (const open of [openWithNodeJose, openWithJose]) {
        const { header, payload } = await open(redeemed.json.jwe, processor);
        expect(header).toMatchObject({
          alg: processor === 'xero-payments' ? 'RSA-OAEP-256' : 'ECDH-ES+A256KW',
          enc: 'A256GCM',
          kid: `${processor}-example-1`,
        });
        expect(redeemed.json.kid).toBe(header.kid);
        expect(payload).toMatchObject({
          number: '4242424242424242',
          expMonth: 12,
          expYear: FUTURE_YEAR,
          cardholderName: 'Ada Lovelace',
          cvc: '123',
          billingAddress: address,
          invoice,
          tokenId: expect.stringMatching(/^ptid_/),
        });
        expect(payload.exp - payload.iat).toBe(300);
      }
    });
  }

  it('is single use: 50 concurrent redeems, exactly one 200', async () => {
    const { user, card } = await cardFor();
    const { token } = (await issueToken(v, user, { cardId: card.id, cvc: '123' })).json;
    const results = await Promise.all(Array.from({ length: 50 }, () => redeem(v, 'xero-payments', token)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 404 && r.json.code === 'token_not_found')).toHaveLength(49);
  });

  it('another processor gets 404 and does not consume it; the right one still redeems', async () => {
    const { user, card } = await cardFor();
    const { token } = (await issueToken(v, user, { cardId: card.id, cvc: '123' })).json;
    const requestId = randomUUID();
    const wrong = await v.internal('/v1/payment-tokens/redeem', { as: 'processor-freshbooks-payments', body: { token }, headers: { 'x-request-id': requestId } });
    expect(wrong.status).toBe(404);
    expect(wrong.json.code).toBe('token_not_found');
    const { rows } = await v.database.pool.query(`SELECT outcome, actor_service, body FROM audit_events WHERE request_id = $1`, [requestId]);
    expect(rows.map((r) => [r.outcome, r.actor_service, JSON.parse(r.body).reason])).toEqual([['denied', 'processor/freshbooks-payments', 'wrong_processor']]);
    expect((await redeem(v, 'xero-payments', token)).status).toBe(200);
  });

  it('unknown, malformed and truncated tokens answer 404, never 500', async () => {
    for (const token of ['pt_' + 'A'.repeat(43), 'pt_short', 'x'.repeat(5000), '', 'pt_' + 'A'.repeat(42) + '*', 42, null, ['pt_x']]) {
      const res = await v.internal('/v1/payment-tokens/redeem', { as: 'processor-xero-payments', body: { token } });
      expect(res.status, JSON.stringify(token).slice(0, 20)).toBe(404);
      expect(res.json.code).toBe('token_not_found');
    }
    const extra = await v.internal('/v1/payment-tokens/redeem', { as: 'processor-xero-payments', body: { token: 'pt_' + 'A'.repeat(43), other: 1 } });
    expect(extra.status).toBe(404);
  });

  it('only processors redeem, and only payment-flow issues', async () => {
    const { user, card } = await cardFor();
    expect((await v.internal('/v1/payment-tokens', { as: 'account-settings', user, body: { cardId: card.id, cvc: '123', processorId: 'xero-payments', invoice: INVOICE } })).status).toBe(403);
    expect((await v.internal('/v1/payment-tokens/redeem', { as: 'payment-flow', body: { token: 'pt_' + 'A'.repeat(43) } })).status).toBe(403);
  });

  it('deleting the card revokes its outstanding tokens', async () => {
    const { user, card } = await cardFor();
    const { token } = (await issueToken(v, user, { cardId: card.id, cvc: '123' })).json;
    expect((await v.internal(`/v1/cards/${card.id}`, { method: 'DELETE', user })).status).toBe(204);
    expect((await redeem(v, 'xero-payments', token)).status).toBe(404);
  });
});

describe('payment switches', () => {
  const admin = (path: string, enabled: boolean) => v.internal(path, { as: 'admin', method: 'PUT', body: { enabled } });

  it('tenant off: new tokens 403 payments_disabled, outstanding ones 404; back on: works again', async () => {
    const tenant = `t-switch-${Date.now()}`;
    const { user, card } = await cardFor(newUser(tenant, 'g1'));
    const { token } = (await issueToken(v, user, { cardId: card.id, cvc: '123' })).json;
    const off = await admin(`/v1/tenants/${tenant}/payment-settings`, false);
    expect(off.json).toEqual({ tenantId: tenant, enabled: false });
    const refused = await issueToken(v, user, { cardId: card.id, cvc: '123' });
    expect(refused.status).toBe(403);
    expect(refused.json.code).toBe('payments_disabled');
    expect((await redeem(v, 'xero-payments', token)).status).toBe(404);
    await admin(`/v1/tenants/${tenant}/payment-settings`, true);
    const again = await issueToken(v, user, { cardId: card.id, cvc: '123' });
    expect(again.status).toBe(201);
    expect((await redeem(v, 'xero-payments', again.json.token)).status).toBe(200);
  });

  it('group off with tenant on: only that group is refused', async () => {
    const tenant = `t-group-${Date.now()}`;
    const inGroup = await cardFor(newUser(tenant, 'sales'));
    const otherGroup = await cardFor(newUser(tenant, 'support'));
    const noGroup = await cardFor(newUser(tenant));
    const outstanding = (await issueToken(v, inGroup.user, { cardId: inGroup.card.id, cvc: '123' })).json.token;
    expect((await admin(`/v1/tenants/${tenant}/groups/sales/payment-settings`, false)).json).toEqual({ tenantId: tenant, groupId: 'sales', enabled: false });
    expect((await issueToken(v, inGroup.user, { cardId: inGroup.card.id, cvc: '123' })).status).toBe(403);
    expect((await redeem(v, 'xero-payments', outstanding)).status).toBe(404);
    expect((await issueToken(v, otherGroup.user, { cardId: otherGroup.card.id, cvc: '123' })).status).toBe(201);
    // No gid where the tenant has group settings: the group switch cannot be evaluated, so refused (the default
    // VAULT_MISSING_GROUP_POLICY=refuse; it used to fail open).
    expect((await issueToken(v, noGroup.user, { cardId: noGroup.card.id, cvc: '123' })).status).toBe(403);
    const effective = await v.internal(`/v1/tenants/${tenant}/groups/sales/payment-settings`, { as: 'payment-flow' });
    expect(effective.json).toEqual({ tenantEnabled: true, groupEnabled: false, effective: false });
  });

  it('tenant off with group on: refused (the tenant setting wins)', async () => {
    const tenant = `t-wins-${Date.now()}`;
    const { user, card } = await cardFor(newUser(tenant, 'sales'));
    await admin(`/v1/tenants/${tenant}/groups/sales/payment-settings`, true);
    await admin(`/v1/tenants/${tenant}/payment-settings`, false);
    expect((await issueToken(v, user, { cardId: card.id, cvc: '123' })).json.code).toBe('payments_disabled');
    const effective = await v.internal(`/v1/tenants/${tenant}/groups/sales/payment-settings`, { as: 'admin' });
    expect(effective.json).toEqual({ tenantEnabled: false, groupEnabled: true, effective: false });
    await admin(`/v1/tenants/${tenant}/payment-settings`, true);
    expect((await issueToken(v, user, { cardId: card.id, cvc: '123' })).status).toBe(201);
  });

  it('only admin switches payments', async () => {
    const res = await v.internal('/v1/tenants/t-x/payment-settings', { as: 'payment-flow', method: 'PUT', body: { enabled: false } });
    expect(res.status).toBe(403);
  });
});

describe('rate limits and idempotency', () => {
  it('the sixth issue for one card inside the window answers 429 with Retry-After', async () => {
    const { user, card } = await cardFor();
    for (let i = 0; i < 5; i++) expect((await issueToken(v, user, { cardId: card.id, cvc: '123' })).status).toBe(201);
    const sixth = await issueToken(v, user, { cardId: card.id, cvc: '123' });
    expect(sixth.status).toBe(429);
    expect(sixth.json.code).toBe('rate_limited');
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(500);
    expect(Number(sixth.headers['retry-after'])).toBeLessThanOrEqual(600);
  });

  it('same Idempotency-Key and body: one token, same response; another body: 409', async () => {
    const { user, card } = await cardFor();
    const key = `idem-${Date.now()}-abc`;
    const body = { cardId: card.id, cvc: '123' };
    const first = await issueToken(v, user, body, { 'idempotency-key': key });
    const second = await issueToken(v, user, body, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.json).toEqual(first.json);
    expect(second.headers['idempotent-replayed']).toBe('true');
    const other = await issueToken(v, user, { ...body, cvc: '124' }, { 'idempotency-key': key });
    expect(other.status).toBe(409);
    expect(other.json.code).toBe('idempotency_key_reused');
    // One token only: the replay did not issue another (the per-card counter saw one issue).
    const { rows } = await v.database.pool.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'payment_token.issue' AND outcome = 'success' AND body LIKE $1`, [`%card=${card.id}%`]);
    expect(rows[0].n).toBe(1);
  });

  it('scopes idempotency keys to the caller', async () => {
    const a = await cardFor();
    const b = await cardFor();
    const key = `idem-shared-${Date.now()}`;
    const first = await issueToken(v, a.user, { cardId: a.card.id, cvc: '123' }, { 'idempotency-key': key });
    const second = await issueToken(v, b.user, { cardId: b.card.id, cvc: '123' }, { 'idempotency-key': key });
    expect(second.status).toBe(201);
    expect(second.json.token).not.toBe(first.json.token);
  });

  it('replays a card creation on the public listener', async () => {
    const user = newUser();
    const secret = await v.cardSession(user);
    const headers = { authorization: `CardSession ${secret}`, 'idempotency-key': 'browser-retry-0001' };
    const first = await v.public('/v1/cards', { body: visa(), headers });
    const retry = await v.public('/v1/cards', { body: visa(), headers });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.json).toEqual(first.json);
  });
});
