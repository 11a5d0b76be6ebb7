import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import type { VaultConfig } from '../../services/vault/src/config/vault-config.ts';
import { mintExampleInvoice } from '../../services/vault/src/dev/invoice-mint.ts';
import { buildFakeServices, type FakeVault } from '../support/fakes/build-fake-services.ts';
import { addCard, admin, as, auditTrail, issue, newUser, payer, refusal, registerProcessor, WELL_FORMED_UNKNOWN_CARD } from './service-fixtures.ts';

// The direct issue (issue 23, part 6): the security code in the caller's own request puts that caller in PCI scope,
// so only services named in VAULT_DIRECT_CVC_CALLERS may use it, and production binds no unsigned invoice.

async function vault(options: Parameters<typeof buildFakeServices>[0] = {}): Promise<FakeVault> {
  const v = buildFakeServices(options);
  await registerProcessor(v, 'xero-payments', 'xero-payments');
  return v;
}

/** As production mode loads it, on the example keys the fakes need (production refuses those at load). */
const production = (config: VaultConfig): VaultConfig => ({ ...config, mode: 'production', payments: { ...config.payments, unsignedInvoices: false } });

/** Every rate-limit counter in the fake Redis: a refusal before the card must leave none behind. */
const counters = (v: FakeVault) => v.redis.keys().filter((k) => k.startsWith('vault:rate:'));

describe('the direct issue (POST /v1/payment-tokens {cvc}) is closed unless a caller is named', () => {
  it('by default (no VAULT_DIRECT_CVC_CALLERS): 403 direct_cvc_not_allowed, audited, before the card is looked at or any limit counted', async () => {
    const v = await vault({ env: { VAULT_DIRECT_CVC_CALLERS: '' } });
    expect(v.config.payments.directCvcCallers).toEqual([]);
    const user = newUser();
    const card = await addCard(v, user);
    const actor = payer(user);
    const before = v.auditEvents.length;
    expect(await refusal(issue(v, actor, card.id))).toMatchObject({ code: 'direct_cvc_not_allowed', status: 403, errors: [] });
    // The same answer for a card that does not exist and for a malformed body: nothing about either is read.
    expect(await refusal(issue(v, payer(user), WELL_FORMED_UNKNOWN_CARD))).toMatchObject({ code: 'direct_cvc_not_allowed' });
    expect(await refusal(v.services.paymentTokens.issue(payer(user), { nonsense: true }))).toMatchObject({ code: 'direct_cvc_not_allowed' });
    expect(auditTrail(v, actor.requestId)).toEqual([
      { action: 'payment_token.issue', outcome: 'denied', target: null, reason: 'direct_cvc_not_allowed', userId: user.userId, tenantId: user.tenantId, actorService: 'payment-flow' },
    ]);
    // Three refusals, three events, and not one of them a card read.
    expect(v.auditEvents.slice(before).map((e) => [e.action, e.outcome, e.reason])).toEqual(Array(3).fill(['payment_token.issue', 'denied', 'direct_cvc_not_allowed']));
    expect(counters(v)).toEqual([]);
  });

  it('a named caller issues as before; a caller not in the list is refused even when another is allowed', async () => {
    const v = await vault({ env: { VAULT_DIRECT_CVC_CALLERS: 'card-terminal,payment-flow' } });
    const user = newUser();
    const card = await addCard(v, user);
    await expect(issue(v, payer(user), card.id)).resolves.toMatchObject({ token: expect.stringMatching(/^pt_/), processorId: 'xero-payments' });
    const other = as(user, 'account-settings');
    expect(await refusal(issue(v, other, card.id))).toMatchObject({ code: 'direct_cvc_not_allowed', status: 403 });
    expect(auditTrail(v, other.requestId)).toEqual([
      { action: 'payment_token.issue', outcome: 'denied', target: null, reason: 'direct_cvc_not_allowed', userId: user.userId, tenantId: user.tenantId, actorService: 'account-settings' },
    ]);
    // Only the allowed issue counted against the card and the user.
    const perCard = v.redis.keys().filter((k) => k.startsWith('vault:rate:card:'));
    expect(perCard).toHaveLength(1);
  });
});

describe('production mode: the direct issue binds no unsigned invoice', () => {
  it('an allowed caller is refused 422 invoice_unsigned, audited, before the card; a caller not allowed still gets 403 first', async () => {
    const v = await vault({ adjust: production });
    const user = newUser();
    const card = await addCard(v, user);
    const actor = payer(user);
    expect(await refusal(issue(v, actor, card.id))).toMatchObject({ code: 'invoice_unsigned', status: 422, errors: [{ path: 'invoice', code: 'invoice_unsigned' }] });
    expect(auditTrail(v, actor.requestId)).toEqual([
      { action: 'payment_token.issue', outcome: 'denied', target: null, reason: 'invoice_unsigned', userId: user.userId, tenantId: user.tenantId, actorService: 'payment-flow' },
    ]);
    expect(await refusal(issue(v, as(user, 'account-settings'), card.id))).toMatchObject({ code: 'direct_cvc_not_allowed', status: 403 });
    // A malformed body is still a malformed body (400) for an allowed caller: the invoice rule follows the structure.
    expect(await refusal(v.services.paymentTokens.issue(payer(user), { nonsense: true }))).toMatchObject({ code: 'invalid_request', status: 400 });
    expect(counters(v)).toEqual([]);
  });

  it('a payment session is unaffected: its confirm passes neither gate (signed invoice, code from the pay form)', async () => {
    const v = await vault({ env: { VAULT_DIRECT_CVC_CALLERS: '' }, adjust: production });
    await v.services.partners.put(admin(), 'xero', { name: 'xero', enabled: true, jwks: JSON.parse(readFileSync(keysExample('partners', 'xero-public.jwks.json'), 'utf8')) });
    const user = newUser();
    const card = await addCard(v, user);
    const jws = await mintExampleInvoice(
      { partner: 'xero', invoiceId: `INV-${randomBytes(4).toString('hex')}`, amount: 12_345, currency: 'EUR', merchantId: 'merchant-42', merchantName: 'Acme GmbH', dueDate: '2027-01-15' },
      v.clock.now(),
    );
    const session = await v.services.paymentSessions.create(payer(user), { cardId: card.id, processorId: 'xero-payments', invoice: jws });
    expect(await v.services.paymentSessions.confirm(session.clientSecret, { cvc: '123' }, 'req-confirm')).toEqual({ status: 'paid' });
    expect((await v.services.paymentSessions.get(payer(user), session.id)).state).toBe('confirmed');
  });
});
