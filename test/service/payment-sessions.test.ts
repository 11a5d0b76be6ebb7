import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import { mintExampleInvoice, type ExampleInvoice, type ExamplePartnerId } from '../../services/vault/src/dev/invoice-mint.ts';
import { MAX_CVC_FAILURES } from '../../services/vault/src/payment-sessions/payment-session-service.ts';
import type { UserContext } from '../../services/vault/src/identity/user-assertion.ts';
import { buildFakeServices, type FakeVault } from '../support/fakes/build-fake-services.ts';
import { FakeClock } from '../support/fakes/fake-clock.ts';
import { addCard, admin, auditTrail, newUser, payer, processor, redeem, refusal, registerProcessor, WELL_FORMED_UNKNOWN_CARD } from './service-fixtures.ts';

// The rules of payment sessions (issue 23) on the in-memory fakes, held to PostgreSQL by
// test/contract/payment-session-repository.contract.ts and invoice-payment-repository.contract.ts.
// What only the real listeners and databases prove stays in test/integration/payment-sessions.test.ts.

const SESSION_TTL_S = 600;
const TOKEN_TTL_S = 300;

/** Partner public keys, read directly (test/support/payments.ts loads node-jose, which these tests do not need). */
const partnerJwks = (id: ExamplePartnerId) => JSON.parse(readFileSync(keysExample('partners', `${id}-public.jwks.json`), 'utf8'));

/** A vault on fakes with xero-payments and both example partners registered. */
async function payingVault(env: Record<string, string> = {}, clock = new FakeClock()): Promise<FakeVault> {
  const v = buildFakeServices({ clock, env: { VAULT_PAYMENT_SESSION_TTL_SECONDS: String(SESSION_TTL_S), VAULT_TOKEN_TTL_SECONDS: String(TOKEN_TTL_S), ...env } });
  await registerProcessor(v, 'xero-payments', 'xero-payments');
  for (const id of ['xero', 'freshbooks'] as const) await v.services.partners.put(admin(), id, { name: id, enabled: true, jwks: partnerJwks(id) });
  return v;
}

/** An invoice signed by Xero at the vault's clock (a new invoice id unless given). */
function invoice(v: FakeVault, more: Partial<ExampleInvoice> = {}): Promise<string> {
  const fields: ExampleInvoice = { partner: 'xero', invoiceId: `INV-${randomBytes(4).toString('hex')}`, amount: 12_345, currency: 'EUR', merchantId: 'merchant-42', merchantName: 'Acme GmbH', dueDate: '2027-01-15' };
  return mintExampleInvoice({ ...fields, ...more }, v.clock.now());
}

const create = (v: FakeVault, user: UserContext, cardId: string, jws: string, more: Record<string, unknown> = {}, actor = payer(user)) =>
  v.services.paymentSessions.create(actor, { cardId, processorId: 'xero-payments', invoice: jws, ...more });
const confirm = (v: FakeVault, secret: string, cvc: unknown = '123', requestId = randomUUID()) => v.services.paymentSessions.confirm(secret, { cvc }, requestId);
const view = (v: FakeVault, user: UserContext, id: string) => v.services.paymentSessions.get(payer(user), id);

/** A user with a card, on `v`. */
async function payerWithCard(v: FakeVault): Promise<{ user: UserContext; cardId: string }> {
  const user = newUser();
  return { user, cardId: (await addCard(v, user)).id };
}

describe('opening a payment session: the checks, in the order of the token issue, before any code', () => {
  it('switches, processor, invoice, card (owned, then unexpired), invoice not already paid, then the live-session cap; a refusal stores no session', async () => {
    const v = await payingVault({ VAULT_MAX_LIVE_PAYMENT_SESSIONS: '2' });
    const { user, cardId } = await payerWithCard(v);
    const expiredCard = (await addCard(v, user, { number: '4000056655665556', expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cardholderName: 'Ada Lovelace' })).id;
    await v.uow.repos.cards.updateOwned(user, expiredCard, { expMonth: 1, expYear: 2020 });
    // The invoice is paid (a confirmed session, which no longer counts for the cap); two open sessions fill the cap.
    const paid = await invoice(v);
    expect(await confirm(v, (await create(v, user, cardId, paid)).clientSecret)).toEqual({ status: 'paid' });
    for (let i = 0; i < 2; i++) await create(v, user, cardId, await invoice(v));
    const stored = () => v.db.paymentSessions.rows().length;
    expect(stored()).toBe(3);

    const expiredInvoice = await invoice(v, { lifetimeSeconds: -3600 });
    await v.services.paymentSettings.setTenant(admin(), user.tenantId, { enabled: false });
    const steps: Array<[string, () => Promise<unknown>, Record<string, unknown>]> = [
      ['payments_disabled', () => create(v, user, WELL_FORMED_UNKNOWN_CARD, expiredInvoice, { processorId: 'no-such-processor' }), { status: 403 }],
      ['processor_unknown', () => create(v, user, WELL_FORMED_UNKNOWN_CARD, expiredInvoice, { processorId: 'no-such-processor' }), { status: 422 }],
      ['invoice_invalid', () => create(v, user, WELL_FORMED_UNKNOWN_CARD, expiredInvoice), { status: 422, errors: [{ path: 'invoice', code: 'expired' }] }],
      ['card_not_found', () => create(v, user, WELL_FORMED_UNKNOWN_CARD, paid), { status: 404 }],
      ['card_expired', () => create(v, user, expiredCard, paid), {}],
      ['invoice_already_paid', () => create(v, user, cardId, paid), { status: 409 }],
    ];
    for (const [code, call, more] of steps) {
      expect(await refusal(call()), code).toMatchObject({ code, ...more });
      if (code === 'payments_disabled') await v.services.paymentSettings.setTenant(admin(), user.tenantId, { enabled: true });
    }
    const capped = await refusal(create(v, user, cardId, await invoice(v)));
    expect(capped).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(stored()).toBe(3);
  });

  it('each denial that names a rule is audited with it; the already-paid one says so', async () => {
    const v = await payingVault();
    const { user, cardId } = await payerWithCard(v);
    const jws = await invoice(v);
    await confirm(v, (await create(v, user, cardId, jws)).clientSecret);
    const actor = payer(user);
    expect(await refusal(create(v, user, cardId, jws, {}, actor))).toMatchObject({ code: 'invoice_already_paid' });
    expect(auditTrail(v, actor.requestId)).toEqual([
      { action: 'payment_session.create', outcome: 'denied', target: null, reason: 'invoice_already_paid', userId: user.userId, tenantId: user.tenantId, actorService: 'payment-flow' },
    ]);
  });

  it('the live-session cap: open, unexpired sessions count; Retry-After is when a slot frees; an expired, confirmed or failed session frees one', async () => {
    const v = await payingVault({ VAULT_MAX_LIVE_PAYMENT_SESSIONS: '2' });
    const { user, cardId } = await payerWithCard(v);
    const first = await create(v, user, cardId, await invoice(v));
    v.clock.advanceSeconds(100);
    const second = await create(v, user, cardId, await invoice(v));
    v.clock.advanceSeconds(100);
    // The first session expires 600 s after it opened, 400 s from now.
    expect(await refusal(create(v, user, cardId, await invoice(v)))).toMatchObject({ code: 'rate_limited', status: 429, retryAfter: SESSION_TTL_S - 200 });
    // Another user is not capped by this one.
    const other = await payerWithCard(v);
    await expect(create(v, other.user, other.cardId, await invoice(v))).resolves.toMatchObject({ id: expect.stringMatching(/^ps_/) });

    v.clock.advanceSeconds(SESSION_TTL_S - 200 - 1);
    expect(await refusal(create(v, user, cardId, await invoice(v)))).toMatchObject({ code: 'rate_limited', retryAfter: 1 });
    v.clock.advanceSeconds(1);
    expect((await view(v, user, first.id)).state).toBe('expired');
    const third = await create(v, user, cardId, await invoice(v));
    expect(await refusal(create(v, user, cardId, await invoice(v)))).toMatchObject({ code: 'rate_limited' });

    await confirm(v, second.clientSecret);
    const fourth = await create(v, user, cardId, await invoice(v));
    for (const bad of ['1', '2', '3']) await refusal(confirm(v, third.clientSecret, bad));
    expect(await view(v, user, third.id)).toMatchObject({ state: 'failed', code: 'cvc_invalid' });
    await expect(create(v, user, cardId, await invoice(v))).resolves.toBeDefined();
    expect((await view(v, user, fourth.id)).state).toBe('open');
  });
});

describe('confirming a payment session', () => {
  it('issues one token, handed to the payment flow; the session is used once', async () => {
    const v = await payingVault();
    const { user, cardId } = await payerWithCard(v);
    const session = await create(v, user, cardId, await invoice(v));
    expect(await view(v, user, session.id)).toEqual({ id: session.id, state: 'open', expiresAt: session.expiresAt });
    const requestId = randomUUID();
    expect(await confirm(v, session.clientSecret, '123', requestId)).toEqual({ status: 'paid' });
    expect(auditTrail(v, requestId).map((e) => [e.action, e.outcome, e.actorService])).toContainEqual(['payment_session.confirm', 'success', 'pay-form']);
    const confirmed = await view(v, user, session.id);
    expect(confirmed).toEqual({ id: session.id, state: 'confirmed', expiresAt: session.expiresAt, paymentToken: expect.stringMatching(/^pt_/) });

    expect(await refusal(confirm(v, session.clientSecret))).toMatchObject({ code: 'payment_session_closed', status: 409 });
    expect(await view(v, user, session.id)).toEqual(confirmed);
    expect(v.db.invoicePayments.rows()).toHaveLength(1);
    await expect(redeem(v, confirmed.paymentToken)).resolves.toMatchObject({ jwe: expect.any(String) });
  });

  it('wrong-format codes: each is refused and counted; the third fails the session (audited), which then takes no code and frees its invoice', async () => {
    const v = await payingVault();
    const { user, cardId } = await payerWithCard(v);
    const jws = await invoice(v);
    const session = await create(v, user, cardId, jws);
    // A body that is not a code at all is not an attempt.
    for (let i = 0; i < MAX_CVC_FAILURES + 1; i++) expect(await refusal(confirm(v, session.clientSecret, 123))).toMatchObject({ code: 'invalid_request' });
    const requests = ['12', '1234', 'abc'].map((bad) => [bad, randomUUID()] as const);
    for (const [i, [bad, requestId]] of requests.entries()) {
      expect(await refusal(confirm(v, session.clientSecret, bad, requestId)), bad).toMatchObject({ code: 'cvc_invalid', status: 422 });
      expect((await view(v, user, session.id)).state).toBe(i < MAX_CVC_FAILURES - 1 ? 'open' : 'failed');
    }
    expect(auditTrail(v, requests[2]![1])).toContainEqual(expect.objectContaining({ action: 'payment_session.confirm', outcome: 'denied', reason: 'cvc_attempts_exhausted' }));
    expect(auditTrail(v, requests[1]![1]).filter((e) => e.reason === 'cvc_attempts_exhausted')).toEqual([]);
    expect(await view(v, user, session.id)).toEqual({ id: session.id, state: 'failed', expiresAt: session.expiresAt, code: 'cvc_invalid' });
    expect(await refusal(confirm(v, session.clientSecret, '123'))).toMatchObject({ code: 'payment_session_closed' });
    // No token was issued: the invoice can be paid through another session.
    expect(await confirm(v, (await create(v, user, cardId, jws)).clientSecret)).toEqual({ status: 'paid' });
  });

  it('fewer wrong-format codes than the limit leave the session open; a right one then pays', async () => {
    const v = await payingVault();
    const { user, cardId } = await payerWithCard(v);
    const session = await create(v, user, cardId, await invoice(v));
    for (let i = 0; i < MAX_CVC_FAILURES - 1; i++) await refusal(confirm(v, session.clientSecret, '1'));
    expect(await confirm(v, session.clientSecret, '123')).toEqual({ status: 'paid' });
  });

  it('an expired session answers as an unknown secret (401), and issues nothing', async () => {
    const v = await payingVault();
    const { user, cardId } = await payerWithCard(v);
    const session = await create(v, user, cardId, await invoice(v));
    v.clock.advanceSeconds(SESSION_TTL_S);
    expect(await refusal(confirm(v, session.clientSecret))).toMatchObject({ code: 'unauthenticated', status: 401 });
    expect(await view(v, user, session.id)).toMatchObject({ state: 'expired' });
    expect(v.db.invoicePayments.rows()).toEqual([]);
  });
});

describe('one invoice is paid at most once per user', () => {
  it('two sessions for one invoice: the first confirm pays, the second is refused and fails its session, with no token', async () => {
    const v = await payingVault();
    const { user, cardId } = await payerWithCard(v);
    const jws = await invoice(v);
    const [a, b] = [await create(v, user, cardId, jws), await create(v, user, cardId, jws)];
    expect(await confirm(v, a!.clientSecret)).toEqual({ status: 'paid' });
    expect(await refusal(confirm(v, b!.clientSecret))).toMatchObject({ code: 'invoice_already_paid', status: 409 });
    expect(await view(v, user, b!.id)).toEqual({ id: b!.id, state: 'failed', expiresAt: b!.expiresAt, code: 'invoice_already_paid' });
    expect((await view(v, user, a!.id)).paymentToken).toMatch(/^pt_/);
  });

  it('two sessions confirmed at once: exactly one pays', async () => {
    const v = await payingVault();
    const { user, cardId } = await payerWithCard(v);
    const jws = await invoice(v);
    const sessions = await Promise.all([1, 2, 3].map(() => create(v, user, cardId, jws)));
    const answers = await Promise.all(sessions.map((s) => confirm(v, s.clientSecret).then((r) => r.status, (e: { code: string }) => e.code)));
    expect(answers.sort()).toEqual(['invoice_already_paid', 'invoice_already_paid', 'paid']);
    expect(v.db.paymentSessions.rows().filter((s) => s.state === 'confirmed')).toHaveLength(1);
  });

  it('while its token lives, the invoice is paid; another user’s copy is theirs to pay', async () => {
    const v = await payingVault();
    const { user, cardId } = await payerWithCard(v);
    const jws = await invoice(v);
    await confirm(v, (await create(v, user, cardId, jws)).clientSecret);
    v.clock.advanceSeconds(TOKEN_TTL_S - 1);
    expect(await refusal(create(v, user, cardId, jws))).toMatchObject({ code: 'invoice_already_paid' });
    const other = await payerWithCard(v);
    expect(await confirm(v, (await create(v, other.user, other.cardId, jws)).clientSecret)).toEqual({ status: 'paid' });
  });

  it('a redeemed token keeps its invoice paid for good, long after the token expired', async () => {
    const v = await payingVault();
    const { user, cardId } = await payerWithCard(v);
    const jws = await invoice(v, { lifetimeSeconds: 30 * 86_400 });
    const session = await create(v, user, cardId, jws);
    await confirm(v, session.clientSecret);
    await redeem(v, (await view(v, user, session.id)).paymentToken);
    v.clock.advanceSeconds(7 * 86_400);
    expect(await refusal(create(v, user, cardId, jws))).toMatchObject({ code: 'invoice_already_paid' });
  });

  it('a redeem whose caller went after the release was audited delivers nothing: the token is put back and its invoice held by it, not paid — the retry pays it; without one, the invoice is free once the token expires', async () => {
    const v = await payingVault();
    const { user, cardId } = await payerWithCard(v);
    const jws = await invoice(v, { lifetimeSeconds: 30 * 86_400 });
    const session = await create(v, user, cardId, jws);
    await confirm(v, session.clientSecret);
    const token = (await view(v, user, session.id)).paymentToken;
    // Still wanted when taken, gone once the release is audited (the second check).
    let checks = 0;
    const goneAfterAudit = () => ++checks < 2;
    expect(await refusal(v.services.paymentTokens.redeem(processor('xero-payments'), { token }, goneAfterAudit))).toMatchObject({ code: 'token_not_found' });
    expect(await refusal(create(v, user, cardId, jws))).toMatchObject({ code: 'invoice_already_paid' }); // held by the live token
    v.clock.advanceSeconds(TOKEN_TTL_S);
    const again = await create(v, user, cardId, jws);
    expect(await confirm(v, again.clientSecret)).toEqual({ status: 'paid' });
    // And a retry before the expiry redeems it, paid for good.
    const other = await payerWithCard(v);
    const jws2 = await invoice(v, { lifetimeSeconds: 30 * 86_400 });
    const second = await create(v, other.user, other.cardId, jws2);
    await confirm(v, second.clientSecret);
    const token2 = (await view(v, other.user, second.id)).paymentToken;
    let checks2 = 0;
    await refusal(v.services.paymentTokens.redeem(processor('xero-payments'), { token: token2 }, () => ++checks2 < 2));
    await expect(redeem(v, token2)).resolves.toMatchObject({ jwe: expect.any(String) });
    v.clock.advanceSeconds(7 * 86_400);
    expect(await refusal(create(v, other.user, other.cardId, jws2))).toMatchObject({ code: 'invoice_already_paid' });
  });

  it('a token that expired unredeemed frees the invoice: a new session pays it, with a new token; the old one is gone', async () => {
    const v = await payingVault();
    const { user, cardId } = await payerWithCard(v);
    const jws = await invoice(v);
    const first = await create(v, user, cardId, jws);
    await confirm(v, first.clientSecret);
    const oldToken = (await view(v, user, first.id)).paymentToken;
    v.clock.advanceSeconds(TOKEN_TTL_S + 1);
    const second = await create(v, user, cardId, jws);
    expect(await confirm(v, second.clientSecret)).toEqual({ status: 'paid' });
    const newToken = (await view(v, user, second.id)).paymentToken;
    expect(newToken).toMatch(/^pt_/);
    expect(newToken).not.toBe(oldToken);
    expect(await refusal(redeem(v, oldToken))).toMatchObject({ code: 'token_not_found' });
    await expect(redeem(v, newToken)).resolves.toBeDefined();
  });
});

describe('a token at its very expiry, its invoice paid again meanwhile', () => {
  it('is not released: Redis still hands it out for that millisecond, but by the vault\'s clock it has expired (audited, not put back)', async () => {
    const clock = new FakeClock(Math.floor(Date.now() / 1000) * 1000); // tokens expire on whole seconds
    const v = await payingVault({}, clock);
    const { user, cardId } = await payerWithCard(v);
    const jws = await invoice(v);
    const first = await create(v, user, cardId, jws);
    await confirm(v, first.clientSecret);
    const oldToken = (await view(v, user, first.id)).paymentToken;
    clock.advanceSeconds(TOKEN_TTL_S);
    const second = await create(v, user, cardId, jws);
    expect(await confirm(v, second.clientSecret)).toEqual({ status: 'paid' });
    const by = processor('xero-payments');
    expect(await refusal(redeem(v, oldToken, by))).toMatchObject({ code: 'token_not_found', status: 404 });
    // (Were the vault's clock a moment behind, the invoice's claim, which no longer names this token, refuses it: invoice_claimed_again.)
    expect(auditTrail(v, by.requestId)).toEqual([expect.objectContaining({ action: 'payment_token.redeem', outcome: 'denied', reason: 'expired' })]);
    expect(await refusal(redeem(v, oldToken))).toMatchObject({ code: 'token_not_found' });
    await expect(redeem(v, (await view(v, user, second.id)).paymentToken)).resolves.toBeDefined();
  });
});

/** One step of a user's dealings with one invoice. */
type Step =
  | { readonly kind: 'create' }
  | { readonly kind: 'confirm'; readonly session: number; readonly cvc: string }
  | { readonly kind: 'redeem' }
  | { readonly kind: 'advance'; readonly seconds: number };

const steps = fc.array(
  fc.oneof(
    { arbitrary: fc.constant<Step>({ kind: 'create' }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant('confirm' as const), session: fc.nat(2), cvc: fc.constantFrom('123', '123', '12') }), weight: 4 },
    { arbitrary: fc.constant<Step>({ kind: 'redeem' }), weight: 2 },
    // Whole seconds, around the token's and the session's lives, so their edges are hit too.
    { arbitrary: fc.record({ kind: fc.constant('advance' as const), seconds: fc.oneof(fc.integer({ min: 1, max: 120 }), fc.constantFrom(TOKEN_TTL_S - 1, TOKEN_TTL_S, TOKEN_TTL_S + 1, SESSION_TTL_S)) }), weight: 3 },
  ),
  { minLength: 1, maxLength: 12 },
);

describe('any interleaving of create, confirm, redeem and time passing, for one invoice', () => {
  it('keeps at most one live or redeemed token for the invoice; creation is refused exactly while one holds it', async () => {
    await fc.assert(
      // The clock starts on a whole second or just after one: tokens expire on whole seconds, so whole-second steps
      // then land on a token's very expiry, or just past it.
      fc.asyncProperty(steps, fc.constantFrom(0, 1, 999), async (plan, offsetMs) => {
        const clock = new FakeClock(Math.floor(Date.now() / 1000) * 1000 + offsetMs);
        const v = await payingVault({ VAULT_RATE_LIMIT_CARD: '1000/600', VAULT_RATE_LIMIT_USER: '1000/600' }, clock);
        const { user, cardId } = await payerWithCard(v);
        const jws = await invoice(v, { lifetimeSeconds: 30 * 86_400 });
        const opened: Array<{ id: string; secret: string }> = [];
        const redeemed = new Set<string>();
        /** The invoice's tokens (one per confirmed session) that are live, or were redeemed, now. */
        const holding = () =>
          v.db.paymentSessions.rows().filter((s) => s.state === 'confirmed' && (redeemed.has(s.tokenId!) || s.tokenExpiresAt! > v.clock.now()));
        for (const step of plan) {
          const heldBefore = holding().length > 0;
          if (step.kind === 'create') {
            const made = await create(v, user, cardId, jws).then(
              (s) => ({ ok: true as const, s }),
              (e: { code: string }) => ({ ok: false as const, code: e.code }),
            );
            if (made.ok) opened.push({ id: made.s.id, secret: made.s.clientSecret });
            else expect(made.code).toBe(heldBefore ? 'invoice_already_paid' : 'rate_limited');
            expect(made.ok || heldBefore || made.code === 'rate_limited').toBe(true);
            if (made.ok) expect(heldBefore).toBe(false);
          } else if (step.kind === 'confirm' && opened.length) {
            // Mostly the latest session (index from the end).
            const s = opened[opened.length - 1 - (step.session % opened.length)]!;
            const answer = await confirm(v, s.secret, step.cvc).then(() => 'paid', (e: { code: string }) => e.code);
            if (answer === 'paid') expect(heldBefore).toBe(false);
            if (heldBefore && answer !== 'unauthenticated' && answer !== 'payment_session_closed' && answer !== 'cvc_invalid') expect(answer).toBe('invoice_already_paid');
          } else if (step.kind === 'redeem') {
            // The processor tries every token the payment flow was handed.
            for (const s of opened) {
              const token = (await view(v, user, s.id)).paymentToken;
              if (token && (await redeem(v, token).then(() => true, () => false))) redeemed.add(v.db.paymentSessions.get(s.id)!.tokenId!);
            }
          } else if (step.kind === 'advance') v.clock.advanceSeconds(step.seconds);
          expect(holding().length, JSON.stringify(plan)).toBeLessThanOrEqual(1);
          expect(redeemed.size).toBeLessThanOrEqual(1);
        }
      }),
      {
        numRuns: 40,
        // Rare at random, so always tried: a new session pays the invoice at the very millisecond the old token
        // expires, and then the old token is redeemed (a Redis key lives until past its PXAT instant).
        examples: [
          [[{ kind: 'create' }, { kind: 'confirm', session: 0, cvc: '123' }, { kind: 'advance', seconds: TOKEN_TTL_S }, { kind: 'create' }, { kind: 'confirm', session: 0, cvc: '123' }, { kind: 'redeem' }], 0],
        ],
      },
    );
  });
});
