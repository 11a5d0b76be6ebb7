import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintExampleInvoice, type ExampleInvoice } from '../../services/vault/src/dev/invoice-mint.ts';
import { mintDevAssertion, type AssertionClaims } from '../../services/vault/src/dev/dev-assertion.ts';
import { call, vaultClient } from '../support/grpc-client.ts';
import { openWithNodeJose, redeem, registerExamplePartners, registerExampleProcessors } from '../support/payments.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';
import { distinctVisa } from '../support/card-numbers.ts';
import type { VaultClient } from '../../services/vault/src/grpc/generated/vault/v1/Vault.ts';

/**
 * Payment sessions (issue 23, parts 2 and 5) through the real listeners: opened by the payment flow over HTTP and
 * gRPC, shown and confirmed with the security code on the public listener, the token read back and redeemed; one
 * invoice paid at most once. Tampered invoices refused at creation are scenarios of the parity suite
 * (transport-parity.test.ts, test/support/tampered-invoices.ts), compared over HTTP and gRPC.
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
    // The form loaded again sees it confirmed (no code: only a failed session has one).
    expect((await current(clientSecret)).json).toEqual({ ...shown.json, state: 'confirmed' });

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
    // A pay form loaded now is told why: the state and the code that ended it, and nothing else new.
    const shown = await current(clientSecret);
    expect(shown.status, shown.text).toBe(200);
    expect(shown.json).toEqual({ state: 'failed', code: 'cvc_invalid', expiresAt: created.json.expiresAt, card: expect.any(Object), invoice: expect.any(Object) });
    expect(Object.keys(shown.json.card).sort()).toEqual(['brand', 'cvcLength', 'expMonth', 'expYear', 'last4']);
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
    // The losing session's pay form, loaded again, learns why it failed.
    const loser = sessions[states.findIndex((s) => s.json.state === 'failed')]!;
    expect((await current(loser.json.clientSecret)).json).toMatchObject({ state: 'failed', code: 'invoice_already_paid' });
    // While the token lives, a new session is refused too.
    expect((await create(user, { cardId, invoice: jws })).json.code).toBe('invoice_already_paid');
  });
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
