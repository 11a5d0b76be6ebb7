import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64url, importJWK, SignJWT, type JWK } from 'jose';
import { mintExampleInvoice, type ExampleInvoice } from '../../services/vault/src/dev/invoice-mint.ts';
import { mintDevAssertion, type AssertionClaims } from '../../services/vault/src/dev/dev-assertion.ts';
import { call, vaultClient } from '../support/grpc-client.ts';
import { openWithNodeJose, partnerJwks, partnerPrivateJwk, redeem, registerExamplePartners, registerExampleProcessors } from '../support/payments.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';
import { distinctVisa } from '../support/card-numbers.ts';
import type { VaultClient } from '../../services/vault/src/grpc/generated/vault/v1/Vault.ts';

/**
 * Payment sessions (issue 23, parts 2 and 5) through the real listeners: opened by the payment flow over HTTP and
 * gRPC, shown and confirmed with the security code on the public listener, the token read back and redeemed;
 * tampered invoices refused at creation with their codes over both transports; one invoice paid at most once.
 */
let v: TestVault;
let grpcClient: VaultClient;
beforeAll(async () => {
  v = await startTestVault();
  await registerExampleProcessors(v);
  await registerExamplePartners(v);
  grpcClient = vaultClient(v.grpcTarget, 'payment-flow');
});
afterAll(async () => {
  grpcClient?.close();
  await v?.close();
});

const salt = randomBytes(2).readUInt16BE() % 100_000;
let panIndex = Math.floor(Math.random() * 1e8);

async function withCard(): Promise<{ user: AssertionClaims; cardId: string; pan: string }> {
  const user = newUser();
  const pan = distinctVisa(panIndex++, salt);
  const added = await v.addCard(user, visa({ number: pan }));
  expect(added.status).toBe(201);
  return { user, cardId: added.json.id, pan };
}

const invoiceOf = (more: Partial<ExampleInvoice> = {}) =>
  mintExampleInvoice({ partner: 'xero', invoiceId: `INV-${randomBytes(4).toString('hex')}`, amount: 12_345, currency: 'EUR', merchantId: 'merchant-42', merchantName: 'Acme GmbH', dueDate: '2027-01-15', ...more });

const create = (user: AssertionClaims, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  v.internal('/v1/payment-sessions', { as: 'payment-flow', user, body: { processorId: 'xero-payments', ...body }, headers });
const getSession = (user: AssertionClaims, id: string) => v.internal(`/v1/payment-sessions/${id}`, { as: 'payment-flow', user });
const current = (secret: string) => v.public('/v1/payment-sessions/current', { method: 'GET', headers: { authorization: `PaymentSession ${secret}` } });
const confirm = (secret: string, cvc: unknown) => v.public('/v1/payment-sessions/current/confirm', { body: { cvc }, headers: { authorization: `PaymentSession ${secret}` } });

async function grpcCreate(user: AssertionClaims, request: object) {
  const assertion = await mintDevAssertion({ azp: 'payment-flow', ...user });
  return call<Record<string, string>>(grpcClient, 'CreatePaymentSession', request, { authorization: `Bearer ${assertion}`, 'x-request-id': randomUUID() });
}

describe('a payment session, end to end', () => {
  it('opens, shows the masked card and the signed invoice, confirms with the code, and hands the token to the payment flow', async () => {
    const { user, cardId, pan } = await withCard();
    const jws = await invoiceOf();
    const created = await create(user, { cardId, invoice: jws });
    expect(created.status, created.text).toBe(201);
    expect(created.json).toEqual({ id: expect.stringMatching(/^ps_/), clientSecret: expect.any(String), formUrl: `${v.publicUrl}/v1/pay-form`, expiresAt: expect.any(String) });
    const { id, clientSecret } = created.json;
    expect((await getSession(user, id)).json).toMatchObject({ id, state: 'open' });

    const shown = await current(clientSecret);
    expect(shown.status, shown.text).toBe(200);
    expect(shown.json).toEqual({
      state: 'open',
      expiresAt: created.json.expiresAt,
      card: { brand: 'visa', last4: pan.slice(-4), expMonth: 12, expYear: expect.any(Number), cvcLength: 3 },
      invoice: { partner: 'xero', id: expect.stringMatching(/^INV-/), amount: 12_345, currency: 'EUR', merchantName: 'Acme GmbH', dueDate: '2027-01-15' },
    });

    const paid = await confirm(clientSecret, '123');
    expect(paid.status, paid.text).toBe(200);
    expect(paid.json).toEqual({ status: 'paid' });
    const after = await getSession(user, id);
    expect(after.json).toEqual({ id, state: 'confirmed', expiresAt: created.json.expiresAt, paymentToken: expect.stringMatching(/^pt_/) });
    // Single use.
    expect((await confirm(clientSecret, '123')).json.code).toBe('payment_session_closed');

    const redeemed = await redeem(v, 'xero-payments', after.json.paymentToken);
    expect(redeemed.status).toBe(200);
    const { payload } = await openWithNodeJose(redeemed.json.jwe, 'xero-payments');
    expect(payload).toMatchObject({ number: pan, cvc: '123', invoiceJws: jws, invoice: { partner: 'xero', amount: 12_345, currency: 'EUR', merchantId: 'merchant-42' } });

    // Paid for good: a new session for the same invoice is refused, over both transports.
    expect((await create(user, { cardId, invoice: jws })).json.code).toBe('invoice_already_paid');
    expect((await grpcCreate(user, { cardId, processorId: 'xero-payments', invoice: jws })).vaultCode).toBe('invoice_already_paid');
    // Another user may pay their own copy.
    const other = await withCard();
    expect((await create(other.user, { cardId: other.cardId, invoice: jws })).status).toBe(201);
  });

  it('over gRPC: CreatePaymentSession and GetPaymentSession', async () => {
    const { user, cardId } = await withCard();
    const created = await grpcCreate(user, { cardId, processorId: 'xero-payments', invoice: await invoiceOf() });
    expect(created.error).toBeNull();
    expect(created.value).toMatchObject({ id: expect.stringMatching(/^ps_/), clientSecret: expect.any(String), formUrl: expect.stringContaining('/v1/pay-form') });
    expect((await confirm(created.value!['clientSecret']!, '123')).json).toEqual({ status: 'paid' });
    const assertion = await mintDevAssertion({ azp: 'payment-flow', ...user });
    const got = await call<Record<string, string>>(grpcClient, 'GetPaymentSession', { id: created.value!['id'] }, { authorization: `Bearer ${assertion}` });
    expect(got.value).toMatchObject({ state: 'confirmed', paymentToken: expect.stringMatching(/^pt_/) });
    // Another user's session id answers as an unknown one.
    const stranger = await mintDevAssertion({ azp: 'payment-flow', ...newUser() });
    expect((await call(grpcClient, 'GetPaymentSession', { id: created.value!['id'] }, { authorization: `Bearer ${stranger}` })).vaultCode).toBe('payment_session_not_found');
  });

  it('three wrong-format codes fail the session with its code; a wrong secret is 401', async () => {
    const { user, cardId } = await withCard();
    const created = await create(user, { cardId, invoice: await invoiceOf() });
    const { id, clientSecret } = created.json;
    for (const bad of ['12', '1234', 'abc']) expect((await confirm(clientSecret, bad)).json.code).toBe('cvc_invalid');
    expect((await getSession(user, id)).json).toMatchObject({ state: 'failed', code: 'cvc_invalid' });
    expect((await confirm(clientSecret, '123')).json.code).toBe('payment_session_closed');
    expect((await current(`ps_${'x'.repeat(40)}`)).status).toBe(401);
    expect((await confirm(`ps_${'x'.repeat(40)}`, '123')).status).toBe(401);
  });

  it('checks in the issue order before any code: switches, processor, invoice, card', async () => {
    const { user, cardId } = await withCard();
    const jws = await invoiceOf();
    expect((await create(user, { cardId, invoice: jws, processorId: 'nope' })).json.code).toBe('processor_unknown');
    expect((await create(newUser(user.tid), { cardId, invoice: jws })).json.code).toBe('card_not_found');
    expect((await create(user, { cardId, invoice: jws, pan: '4242424242424242' })).json.code).toBe('invalid_request');
    await v.internal(`/v1/tenants/${user.tid}/payment-settings`, { as: 'admin', method: 'PUT', body: { enabled: false } });
    expect((await create(user, { cardId, invoice: 'not-a-jws', processorId: 'nope' })).json.code).toBe('payments_disabled');
  });

  it('replays a creation with the same Idempotency-Key', async () => {
    const { user, cardId } = await withCard();
    const body = { cardId, invoice: await invoiceOf() };
    const key = `ps-${randomUUID()}`;
    const first = await create(user, body, { 'idempotency-key': key });
    const again = await create(user, body, { 'idempotency-key': key });
    expect([again.status, again.headers['idempotent-replayed'], again.json]).toEqual([201, 'true', first.json]);
  });
});

describe('no double payment', () => {
  it('two sessions for one invoice confirmed at once: exactly one token', async () => {
    const { user, cardId } = await withCard();
    const jws = await invoiceOf();
    const sessions = await Promise.all([create(user, { cardId, invoice: jws }), create(user, { cardId, invoice: jws })]);
    for (const s of sessions) expect(s.status, s.text).toBe(201);
    const answers = await Promise.all(sessions.map((s) => confirm(s.json.clientSecret, '123')));
    expect(answers.map((a) => a.json.code ?? a.json.status).sort()).toEqual(['invoice_already_paid', 'paid']);
    const states = await Promise.all(sessions.map((s) => getSession(user, s.json.id)));
    expect(states.filter((s) => s.json.paymentToken)).toHaveLength(1);
    expect(states.map((s) => s.json.state).sort()).toEqual(['confirmed', 'failed']);
    // While the token lives, a new session is refused too.
    expect((await create(user, { cardId, invoice: jws })).json.code).toBe('invoice_already_paid');
  });
});

/** A compact JWS with another payload under the same header and signature. */
function withPayload(jws: string, change: (claims: Record<string, unknown>) => void): string {
  const [header, payload, signature] = jws.split('.');
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload!)));
  change(claims);
  return `${header}.${base64url.encode(JSON.stringify(claims))}.${signature}`;
}

async function signed(header: Record<string, unknown>, claims: Record<string, unknown>, key: JWK, alg: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader(header as never).sign(await importJWK(key, alg));
}

const claimsNow = () => {
  const iat = Math.floor(Date.now() / 1000);
  return { iss: 'xero', invoice_id: 'INV-T', amount: 100, currency: 'EUR', merchant: { id: 'm-1', display_name: 'Acme' }, due_date: '2027-01-15', iat, exp: iat + 600 };
};
const unsigned = (header: object, claims: object) => `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(claims))}.`;

describe('tampered invoices are refused at creation, over HTTP and gRPC, each with its code', () => {
  let disabledPartner = '';
  beforeAll(async () => {
    disabledPartner = `off-${randomBytes(4).toString('hex')}`;
    const res = await v.internal(`/v1/partners/${disabledPartner}`, { as: 'admin', method: 'PUT', body: { name: 'Off', enabled: false, jwks: partnerJwks('xero') } });
    expect(res.status).toBe(200);
  });
  const xero = () => partnerPrivateJwk('xero');
  const cases: Array<[string, () => Promise<string>, string, string]> = [
    ['amount changed after signing', async () => withPayload(await invoiceOf(), (c) => (c['amount'] = 1)), 'invoice_invalid', 'signature'],
    ['payee changed after signing', async () => withPayload(await invoiceOf(), (c) => (c['merchant'] = { id: 'mallory', display_name: 'Mallory Ltd' })), 'invoice_invalid', 'signature'],
    ['an unknown kid', async () => signed({ alg: 'ES256', kid: 'nobody-1', typ: 'invoice+jwt' }, claimsNow(), xero(), 'ES256'), 'invoice_invalid', 'kid'],
    [
      "another partner's key (FreshBooks' key, issued as Xero)",
      async () => signed({ alg: 'EdDSA', kid: partnerPrivateJwk('freshbooks').kid, typ: 'invoice+jwt' }, claimsNow(), partnerPrivateJwk('freshbooks'), 'EdDSA'),
      'invoice_invalid',
      'kid',
    ],
    ['alg none', async () => unsigned({ alg: 'none', kid: xero().kid, typ: 'invoice+jwt' }, claimsNow()), 'invoice_invalid', 'algorithm'],
    [
      'HS256 keyed with the public key',
      async () => {
        const secret = new TextEncoder().encode(JSON.stringify(partnerJwks('xero').keys[0]));
        return new SignJWT(claimsNow()).setProtectedHeader({ alg: 'HS256', kid: xero().kid!, typ: 'invoice+jwt' }).sign(secret);
      },
      'invoice_invalid',
      'algorithm',
    ],
    ['expired', async () => invoiceOf({ lifetimeSeconds: -3600 }), 'invoice_invalid', 'expired'],
    ['not yet valid', async () => invoiceOf({ notBeforeSeconds: 3600 }), 'invoice_invalid', 'not_yet_valid'],
    ['a disabled partner', async () => signed({ alg: 'ES256', kid: xero().kid, typ: 'invoice+jwt' }, { ...claimsNow(), iss: disabledPartner }, xero(), 'ES256'), 'partner_disabled', 'partner_disabled'],
  ];
  for (const [name, make, code, check] of cases) {
    it(name, async () => {
      const { user, cardId } = await withCard();
      const jws = await make();
      const http = await create(user, { cardId, invoice: jws });
      expect([http.status, http.json.code, http.json.errors]).toEqual([422, code, [{ path: 'invoice', code: check }]]);
      const grpc = await grpcCreate(user, { cardId, processorId: 'xero-payments', invoice: jws });
      expect([grpc.vaultCode, JSON.parse(grpc.error?.metadata.get('vault-field-errors')[0]?.toString() ?? '[]')]).toEqual([code, [{ path: 'invoice', code: check }]]);
      const { rows } = await v.database.pool.query(`SELECT count(*)::int AS n FROM payment_sessions WHERE tenant_id = $1`, [user.tid]);
      expect(rows[0].n).toBe(0);
    });
  }
});

describe('erasing a user', () => {
  it('removes their payment sessions and invoice-payment records; their open pay form confirms nothing afterwards', async () => {
    const { user, cardId } = await withCard();
    const paid = await create(user, { cardId, invoice: await invoiceOf() });
    expect(paid.status, paid.text).toBe(201);
    expect((await confirm(paid.json.clientSecret, '123')).status).toBe(200);
    const open = await create(user, { cardId, invoice: await invoiceOf() });
    expect(open.status, open.text).toBe(201);
    const rows = async () =>
      (await v.database.pool.query(`SELECT (SELECT count(*) FROM payment_sessions WHERE tenant_id = $1 AND user_id = $2)::int AS sessions, (SELECT count(*) FROM invoice_payments WHERE tenant_id = $1 AND user_id = $2)::int AS payments`, [user.tid, user.sub])).rows[0];
    expect(await rows()).toEqual({ sessions: 2, payments: 1 });
    expect((await v.internal(`/v1/tenants/${user.tid}/users/${user.sub}`, { as: 'admin', method: 'DELETE' })).status).toBe(200);
    expect(await rows()).toEqual({ sessions: 0, payments: 0 });
    expect((await confirm(open.json.clientSecret, '123')).status).toBe(401);
  });
});
