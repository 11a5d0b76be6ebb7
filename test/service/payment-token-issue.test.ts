import { describe, expect, it, vi } from 'vitest';
import { redisKey } from '../../services/vault/src/storage/redis-keys.ts';
import { hashBearerSecret } from '../../services/vault/src/crypto/secret-hash.ts';
import { buildFakeServices, type FakeVault } from '../support/fakes/build-fake-services.ts';
import {
  addCard,
  admin,
  auditTrail,
  FUTURE_YEAR,
  INVOICE,
  issue,
  newUser,
  openAsProcessor,
  payer,
  refusal,
  registerProcessor,
  visa,
  WELL_FORMED_UNKNOWN_CARD,
} from './service-fixtures.ts';

/** A vault on fakes with the example processors registered (xero-payments: RSA key; freshbooks-payments: EC). */
async function vaultWithProcessors(env: Record<string, string> = {}): Promise<FakeVault> {
  const v = buildFakeServices({ env });
  await registerProcessor(v, 'xero-payments', 'xero-payments');
  await registerProcessor(v, 'freshbooks-payments', 'freshbooks-payments');
  return v;
}

describe('issuing a payment token: the checks, cheapest first', () => {
  it('payments switched off: refused (403 payments_disabled) before the processor, the invoice or the card is checked', async () => {
    const v = await vaultWithProcessors();
    const user = newUser();
    await v.services.paymentSettings.setTenant(admin(), user.tenantId, { enabled: false });
    const actor = payer(user);
    // (The switches, the processor and the card are read together; they are checked in this order.)
    const refused = await refusal(issue(v, actor, WELL_FORMED_UNKNOWN_CARD, { processorId: 'no-such-processor', invoice: { ...INVOICE, amount: 0 } }));
    expect(refused).toMatchObject({ code: 'payments_disabled', status: 403 });
    expect(auditTrail(v, actor.requestId)).toEqual([
      { action: 'payment_token.issue', outcome: 'denied', target: null, reason: 'payments_disabled', userId: user.userId, tenantId: user.tenantId, actorService: 'payment-flow' },
    ]);
  });

  it('the user’s group switched off: refused for that group only', async () => {
    const v = await vaultWithProcessors();
    const sales = newUser(undefined, 'sales');
    const support = newUser(sales.tenantId, 'support');
    const salesCard = await addCard(v, sales);
    const supportCard = await addCard(v, support);
    await v.services.paymentSettings.setGroup(admin(), sales.tenantId, 'sales', { enabled: false });
    expect(await refusal(issue(v, sales, salesCard.id))).toMatchObject({ code: 'payments_disabled', status: 403 });
    await expect(issue(v, support, supportCard.id)).resolves.toMatchObject({ processorId: 'xero-payments' });
  });

  it('no group in the assertion where the tenant has group settings: refused as group_missing (policy refuse), allowed under allow', async () => {
    for (const [policy, allowed] of [['refuse', false], ['allow', true]] as const) {
      const v = await vaultWithProcessors({ VAULT_MISSING_GROUP_POLICY: policy });
      const user = newUser();
      const card = await addCard(v, user);
      await v.services.paymentSettings.setGroup(admin(), user.tenantId, 'finance', { enabled: false });
      const actor = payer(user);
      if (allowed) {
        await expect(issue(v, actor, card.id)).resolves.toBeDefined();
      } else {
        expect(await refusal(issue(v, actor, card.id))).toMatchObject({ code: 'payments_disabled', status: 403 });
        expect(auditTrail(v, actor.requestId)).toEqual([expect.objectContaining({ outcome: 'denied', reason: 'group_missing' })]);
      }
    }
  });

  it('an unknown, disabled or keyless processor: 422 processor_unknown, before the card is looked up', async () => {
    const v = await vaultWithProcessors();
    await registerProcessor(v, 'disabled-processor', 'xero-payments', false);
    const user = newUser();
    const findCard = vi.spyOn(v.uow.repos.cards, 'findOwned');
    for (const processorId of ['no-such-processor', 'disabled-processor', 'Not A Valid Id']) {
      const actor = payer(user);
      const refused = await refusal(issue(v, actor, WELL_FORMED_UNKNOWN_CARD, { processorId }));
      expect(refused, processorId).toMatchObject({ code: 'processor_unknown', status: 422, errors: [{ path: 'processorId', code: 'processor_unknown' }] });
      expect(auditTrail(v, actor.requestId)).toEqual([]);
    }
    expect(findCard).not.toHaveBeenCalled();
  });

  it('a bad invoice: refused with its code before the card is looked up', async () => {
    const v = await vaultWithProcessors();
    const user = newUser();
    const findCard = vi.spyOn(v.uow.repos.cards, 'findOwned');
    const cases: Array<[Record<string, unknown>, string, number]> = [
      [{ amount: 0 }, 'amount_invalid', 422],
      [{ amount: 10.5 }, 'amount_invalid', 422],
      [{ amount: 10_000_001 }, 'amount_invalid', 422],
      [{ currency: 'usd' }, 'currency_invalid', 422],
      [{ partner: 'quickbooks' }, 'invalid_request', 400],
      [{ id: 'INV 1; DROP' }, 'invalid_request', 400],
    ];
    for (const [change, code, status] of cases) {
      expect(await refusal(issue(v, user, WELL_FORMED_UNKNOWN_CARD, { invoice: { ...INVOICE, ...change } })), JSON.stringify(change)).toMatchObject({ code, status });
    }
    expect(findCard).not.toHaveBeenCalled();
  });

  it('a body of the wrong shape: 400 invalid_request before anything is read', async () => {
    const v = await vaultWithProcessors();
    const read = vi.spyOn(v.uow.repos.revocationEpochs, 'read');
    for (const body of [{ cardId: WELL_FORMED_UNKNOWN_CARD, cvc: 123 }, { pan: '4242424242424242' }, null]) {
      expect(await refusal(v.services.paymentTokens.issue(payer(newUser()), body))).toMatchObject({ code: 'invalid_request', status: 400 });
    }
    expect(read).not.toHaveBeenCalled();
  });

  it('another user’s card (same tenant or another) or a card that does not exist: 404 card_not_found, audited with the card id', async () => {
    const v = await vaultWithProcessors();
    const owner = newUser();
    const card = await addCard(v, owner);
    for (const [intruder, cardId] of [[newUser(owner.tenantId), card.id], [newUser(), card.id], [owner, WELL_FORMED_UNKNOWN_CARD]] as const) {
      const actor = payer(intruder);
      expect(await refusal(issue(v, actor, cardId))).toMatchObject({ code: 'card_not_found', status: 404 });
      expect(auditTrail(v, actor.requestId)).toEqual([
        { action: 'payment_token.issue', outcome: 'denied', target: cardId, reason: 'card_not_found', userId: intruder.userId, tenantId: intruder.tenantId, actorService: 'payment-flow' },
      ]);
    }
  });

  it('a malformed card id (it could be a PAN): card_not_found, not recorded in the audit log', async () => {
    const v = await vaultWithProcessors();
    const actor = payer(newUser());
    expect(await refusal(issue(v, actor, '4242424242424242'))).toMatchObject({ code: 'card_not_found' });
    expect(auditTrail(v, actor.requestId)).toEqual([expect.objectContaining({ outcome: 'denied', target: null, reason: 'card_not_found' })]);
  });

  it('an expired card: 422 card_expired, before its security code is checked', async () => {
    const v = await vaultWithProcessors();
    const user = newUser();
    const today = v.clock.now();
    const card = await addCard(v, user, visa({ expMonth: today.getUTCMonth() + 1, expYear: today.getUTCFullYear() }));
    await expect(issue(v, user, card.id)).resolves.toBeDefined();
    v.clock.advanceSeconds(32 * 86_400);
    expect(await refusal(issue(v, user, card.id, { cvc: '1' }))).toMatchObject({ code: 'card_expired', status: 422 });
  });

  it('a security code of the wrong length for the brand, or not ASCII digits: 422 cvc_invalid', async () => {
    const v = await vaultWithProcessors();
    const user = newUser();
    const visaCard = await addCard(v, user);
    const amexCard = await addCard(v, user, visa({ number: '378282246310005' }));
    for (const [cardId, cvc] of [[visaCard.id, '12'], [visaCard.id, '1234'], [visaCard.id, '１２３'], [visaCard.id, '١٢٣'], [amexCard.id, '123']]) {
      expect(await refusal(issue(v, user, cardId!, { cvc })), cvc).toMatchObject({ code: 'cvc_invalid', status: 422, errors: [{ path: 'cvc', code: 'cvc_invalid' }] });
    }
    await expect(issue(v, user, amexCard.id, { cvc: '1234' })).resolves.toBeDefined();
  });

  it('a malformed security code is refused before it counts against the card’s limit', async () => {
    const v = await vaultWithProcessors();
    const user = newUser();
    const card = await addCard(v, user);
    for (let i = 0; i < 10; i++) await refusal(issue(v, user, card.id, { cvc: '12' }));
    for (let i = 0; i < 5; i++) await expect(issue(v, user, card.id)).resolves.toBeDefined();
  });
});

describe('an issued payment token', () => {
  it('lives the configured time from now, is bound to its processor, and is audited after the card was decrypted', async () => {
    const v = await vaultWithProcessors();
    const user = newUser();
    const card = await addCard(v, user);
    const actor = payer(user);
    const issued = await issue(v, actor, card.id);
    expect(issued.token).toMatch(/^pt_[A-Za-z0-9_-]{43}$/);
    expect(issued).toMatchObject({ processorId: 'xero-payments', expiresAt: new Date((Math.floor(v.clock.nowMs() / 1000) + 300) * 1000).toISOString() });
    expect(auditTrail(v, actor.requestId)).toEqual([
      { action: 'card.decrypt', outcome: 'success', target: card.id, reason: null, userId: user.userId, tenantId: user.tenantId, actorService: 'payment-flow' },
      { action: 'payment_token.issue', outcome: 'success', target: expect.stringMatching(/^ptid_/), reason: `card=${card.id} processor=xero-payments`, userId: user.userId, tenantId: user.tenantId, actorService: 'payment-flow' },
    ]);
  });

  it('is kept under its hash only, holding neither the card number nor the security code in clear', async () => {
    const v = await vaultWithProcessors();
    const user = newUser();
    const card = await addCard(v, user, visa({ number: '371449635398431' }));
    const { token } = await issue(v, user, card.id, { cvc: '7391' });
    const stored = v.redis.get(redisKey('token', hashBearerSecret(token)));
    expect(stored).not.toBeNull();
    expect(v.redis.keys().join(' ')).not.toContain(token);
    expect(stored).not.toMatch(/3714496353|7391/);
  });

  it('opens, for its processor only, to the card, the security code, the billing address and the invoice', async () => {
    const v = await vaultWithProcessors();
    const user = newUser();
    const billingAddress = { name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };
    const card = await addCard(v, user, visa({ billingAddress }));
    const { token } = await issue(v, user, card.id);
    const redeemed = await v.services.paymentTokens.redeem({ service: 'processor/xero-payments', requestId: 'r' }, { token });
    const { header, payload } = await openAsProcessor(redeemed.jwe, 'xero-payments');
    expect(header).toMatchObject({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: redeemed.kid });
    expect(payload).toMatchObject({ number: '4242424242424242', expMonth: 12, expYear: FUTURE_YEAR, cvc: '123', billingAddress, invoice: INVOICE });
    expect(payload.exp - payload.iat).toBe(300);
  });
});

describe('rate limits on issuing (a denial is audited and answers 429 with the seconds to wait)', () => {
  it('per card: the sixth in the window is refused before the card is decrypted; a new window allows again', async () => {
    const v = await vaultWithProcessors();
    const user = newUser();
    const card = await addCard(v, user);
    for (let i = 0; i < 5; i++) await issue(v, user, card.id);
    const actor = payer(user);
    expect(await refusal(issue(v, actor, card.id))).toMatchObject({ code: 'rate_limited', status: 429, retryAfter: 600 });
    expect(auditTrail(v, actor.requestId)).toEqual([
      { action: 'payment_token.issue', outcome: 'denied', target: card.id, reason: 'rate_limited', userId: user.userId, tenantId: user.tenantId, actorService: 'payment-flow' },
    ]);
    v.clock.advanceSeconds(240);
    expect(await refusal(issue(v, user, card.id))).toMatchObject({ retryAfter: 360 });
    v.clock.advanceSeconds(361);
    await expect(issue(v, user, card.id)).resolves.toBeDefined();
  });

  it('per user, across the user’s cards', async () => {
    const v = await vaultWithProcessors({ VAULT_RATE_LIMIT_USER: '3/600' });
    const user = newUser();
    const cards = [await addCard(v, user), await addCard(v, user, visa({ number: '5555555555554444' }))];
    await issue(v, user, cards[0]!.id);
    await issue(v, user, cards[0]!.id);
    await issue(v, user, cards[1]!.id);
    expect(await refusal(issue(v, user, cards[1]!.id))).toMatchObject({ code: 'rate_limited', retryAfter: 600 });
    const neighbour = newUser(user.tenantId);
    await expect(issue(v, neighbour, (await addCard(v, neighbour)).id)).resolves.toBeDefined();
  });

  it('per card number, across users and tenants, and across a delete and re-add; audited after the decrypt', async () => {
    const v = await vaultWithProcessors({ VAULT_RATE_LIMIT_CARD_NUMBER: '3/600' });
    const pan = '4000056655665556';
    const a = newUser();
    const b = newUser();
    const aCard = await addCard(v, a, visa({ number: pan }));
    const bCard = await addCard(v, b, visa({ number: pan }));
    await issue(v, a, aCard.id, { cvc: '111' });
    await issue(v, a, aCard.id, { cvc: '112' });
    await issue(v, b, bCard.id, { cvc: '113' });
    const actor = payer(b);
    expect(await refusal(issue(v, actor, bCard.id, { cvc: '114' }))).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(auditTrail(v, actor.requestId).map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ['card.decrypt', 'success', null],
      ['payment_token.issue', 'denied', 'rate_limited'],
    ]);
    await v.services.cards.delete({ service: 'account-settings', requestId: 'del', user: a }, aCard.id);
    const readded = await addCard(v, a, visa({ number: pan }));
    expect(await refusal(issue(v, a, readded.id, { cvc: '115' }))).toMatchObject({ code: 'rate_limited' });
    expect(v.redis.keys().join(' ')).not.toContain(pan.slice(0, 10));
  });
});

describe('a token that cannot be stored', () => {
  it('is audited as issued (with the card read) before it is stored, then as failed; nothing is redeemable', async () => {
    const v = await vaultWithProcessors();
    const user = newUser();
    const card = await addCard(v, user);
    v.stores.tokens.save = async () => Promise.reject(new Error('redis went away'));
    const actor = payer(user);
    await expect(issue(v, actor, card.id)).rejects.toThrow('redis went away');
    expect(auditTrail(v, actor.requestId).map((e) => [e.action, e.outcome, e.reason?.startsWith('card=') ? 'card=…' : e.reason])).toEqual([
      ['card.decrypt', 'success', null],
      ['payment_token.issue', 'success', 'card=…'],
      ['payment_token.issue', 'failed', 'token_not_saved'],
    ]);
    expect(v.redis.keys().filter((k) => k.includes('token'))).toEqual([]);
  });
});
