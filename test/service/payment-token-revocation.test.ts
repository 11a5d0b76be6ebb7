import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { epochKey } from '../../services/vault/src/payment-policy/revocation-epochs.ts';
import { buildFakeServices, type FakeVault } from '../support/fakes/build-fake-services.ts';
import { addCard, admin, as, auditTrail, issue, newUser, processor, publicJwks, redeem, refusal, registerProcessor } from './service-fixtures.ts';

async function vaultWithProcessors(env: Record<string, string> = {}): Promise<FakeVault> {
  const v = buildFakeServices({ env });
  await registerProcessor(v, 'xero-payments', 'xero-payments');
  await registerProcessor(v, 'freshbooks-payments', 'freshbooks-payments');
  return v;
}

/** A user with a card and a token for it (xero-payments). */
async function outstandingToken(v: FakeVault, user = newUser(undefined, 'sales')) {
  const card = await addCard(v, user);
  const { token } = await issue(v, user, card.id);
  return { user, card, token };
}

/** The one redeem outcome a processor sees for every failure, and why the audit log says it failed. */
async function refusedRedeem(v: FakeVault, token: unknown, by = processor('xero-payments')) {
  const refused = await refusal(redeem(v, token, by));
  return { code: refused.code, status: refused.status, reasons: auditTrail(v, by.requestId).map((e) => e.reason) };
}

describe('redeeming a payment token', () => {
  it('works once: the second redeem finds nothing; both are audited', async () => {
    const v = await vaultWithProcessors();
    const { user, token } = await outstandingToken(v);
    const first = processor('xero-payments');
    await expect(redeem(v, token, first)).resolves.toMatchObject({ kid: 'xero-payments-example-1', invoice: expect.any(Object) });
    expect(auditTrail(v, first.requestId)).toEqual([
      { action: 'payment_token.redeem', outcome: 'success', target: expect.stringMatching(/^ptid_/), reason: null, userId: user.userId, tenantId: user.tenantId, actorService: 'processor/xero-payments' },
    ]);
    expect(await refusedRedeem(v, token)).toEqual({ code: 'token_not_found', status: 404, reasons: ['not_found'] });
  });

  it('is single use under concurrency: of 20 redeems at once exactly one succeeds', async () => {
    const v = await vaultWithProcessors();
    const { token } = await outstandingToken(v);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => redeem(v, token)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('by another processor: the same 404, audited as wrong_processor, and the token stays for the right one', async () => {
    const v = await vaultWithProcessors();
    const { token } = await outstandingToken(v);
    expect(await refusedRedeem(v, token, processor('freshbooks-payments'))).toEqual({ code: 'token_not_found', status: 404, reasons: ['wrong_processor'] });
    await expect(redeem(v, token)).resolves.toBeDefined();
  });

  it('unknown, malformed or not from a processor: the same 404', async () => {
    const v = await vaultWithProcessors();
    const { token } = await outstandingToken(v);
    for (const bad of ['pt_' + 'A'.repeat(43), 'pt_short', 'x'.repeat(5000), '', 42, null, ['pt_x']]) {
      expect((await refusedRedeem(v, bad)).code, JSON.stringify(bad).slice(0, 20)).toBe('token_not_found');
    }
    expect(await refusedRedeem(v, token, { service: 'payment-flow', requestId: 'not-a-processor' })).toEqual({ code: 'token_not_found', status: 404, reasons: ['token_not_found'] });
    expect(await refusal(v.services.paymentTokens.redeem(processor('xero-payments'), { token, other: 1 }))).toMatchObject({ code: 'token_not_found' });
    await expect(redeem(v, token)).resolves.toBeDefined();
  });

  it('expires with its life: a second before, it redeems; after, 404', async () => {
    const v = await vaultWithProcessors({ VAULT_TOKEN_TTL_SECONDS: '60' });
    const early = await outstandingToken(v);
    const late = await outstandingToken(v);
    v.clock.advanceSeconds(59);
    await expect(redeem(v, early.token)).resolves.toBeDefined();
    v.clock.advanceSeconds(2);
    expect(await refusedRedeem(v, late.token)).toMatchObject({ code: 'token_not_found', reasons: ['not_found'] });
  });

  it('unaudited, the card does not leave: the redeem fails and the token is put back for a retry', async () => {
    const v = await vaultWithProcessors();
    const { token } = await outstandingToken(v);
    vi.spyOn(v.uow, 'transaction').mockRejectedValueOnce(new Error('database down'));
    await expect(redeem(v, token)).rejects.toThrow('database down');
    await expect(redeem(v, token)).resolves.toBeDefined();
  });

  it('a caller gone by the time the token is taken (deadline passed, hung up): put back, audited as undelivered, redeemable on retry', async () => {
    const v = await vaultWithProcessors();
    const { token } = await outstandingToken(v);
    const late = processor('xero-payments');
    expect(await refusal(v.services.paymentTokens.redeem(late, { token }, () => false))).toMatchObject({ code: 'token_not_found' });
    expect(auditTrail(v, late.requestId)).toEqual([expect.objectContaining({ action: 'payment_token.redeem', outcome: 'failed', reason: 'caller_gone' })]);
    await expect(redeem(v, token)).resolves.toMatchObject({ kid: 'xero-payments-example-1' });
  });
});

describe('revocation: a token issued before a change cannot be redeemed after it; one issued after can', () => {
  const setTenant = (v: FakeVault, tenantId: string, enabled: boolean) => v.services.paymentSettings.setTenant(admin(), tenantId, { enabled });
  const setGroup = (v: FakeVault, tenantId: string, groupId: string, enabled: boolean) => v.services.paymentSettings.setGroup(admin(), tenantId, groupId, { enabled });

  it('the tenant switched off: new tokens 403, outstanding ones 404 (revoked); back on: works again', async () => {
    const v = await vaultWithProcessors();
    const { user, card, token } = await outstandingToken(v);
    expect(await setTenant(v, user.tenantId, false)).toEqual({ tenantId: user.tenantId, enabled: false });
    expect(await refusal(issue(v, user, card.id))).toMatchObject({ code: 'payments_disabled', status: 403 });
    expect(await refusedRedeem(v, token)).toEqual({ code: 'token_not_found', status: 404, reasons: ['revoked'] });
    await setTenant(v, user.tenantId, true);
    const again = await issue(v, user, card.id);
    await expect(redeem(v, again.token)).resolves.toBeDefined();
  });

  it('a group switched off with the tenant on: that group’s tokens revoked and refused, another group’s untouched', async () => {
    const v = await vaultWithProcessors();
    const sales = await outstandingToken(v, newUser(undefined, 'sales'));
    const support = await outstandingToken(v, newUser(sales.user.tenantId, 'support'));
    expect(await setGroup(v, sales.user.tenantId, 'sales', false)).toEqual({ tenantId: sales.user.tenantId, groupId: 'sales', enabled: false });
    expect(await refusal(issue(v, sales.user, sales.card.id))).toMatchObject({ code: 'payments_disabled' });
    expect(await refusedRedeem(v, sales.token)).toMatchObject({ reasons: ['revoked'] });
    await expect(redeem(v, support.token)).resolves.toBeDefined();
    await expect(issue(v, support.user, support.card.id)).resolves.toBeDefined();
    expect(await v.services.paymentSettings.effective(admin(), sales.user.tenantId, 'sales')).toEqual({ tenantEnabled: true, groupEnabled: false, effective: false });
  });

  it('the tenant switched off with the group on: refused — the tenant setting wins', async () => {
    const v = await vaultWithProcessors();
    const { user, card } = await outstandingToken(v, newUser(undefined, 'sales'));
    await setGroup(v, user.tenantId, 'sales', true);
    await setTenant(v, user.tenantId, false);
    expect(await refusal(issue(v, user, card.id))).toMatchObject({ code: 'payments_disabled' });
    expect(await v.services.paymentSettings.effective(admin(), user.tenantId, 'sales')).toEqual({ tenantEnabled: false, groupEnabled: true, effective: false });
    await setTenant(v, user.tenantId, true);
    await expect(issue(v, user, card.id)).resolves.toBeDefined();
  });

  it('every switch write revokes the scope’s outstanding tokens, even one that leaves payments on', async () => {
    const v = await vaultWithProcessors();
    const { user, token } = await outstandingToken(v);
    await setTenant(v, user.tenantId, true);
    expect(await refusedRedeem(v, token)).toMatchObject({ reasons: ['revoked'] });
  });

  it('the card deleted: its token is revoked, by an epoch bumped in the delete itself', async () => {
    const v = await vaultWithProcessors();
    const { user, card, token } = await outstandingToken(v);
    const scope = { kind: 'card', tenantId: user.tenantId, userId: user.userId, cardId: card.id } as const;
    await v.services.cards.delete(as(user), card.id);
    expect((await v.uow.repos.revocationEpochs.read([scope]))[epochKey(scope)]).toBe('1');
    expect(await refusedRedeem(v, token)).toMatchObject({ reasons: ['revoked'] });
    expect(await refusal(v.services.cards.delete(as(user), card.id))).toMatchObject({ code: 'card_not_found' });
  });

  it('the processor disabled: its tokens revoked and new ones refused; enabled again: new tokens redeem', async () => {
    const v = await vaultWithProcessors();
    const { user, card, token } = await outstandingToken(v);
    const other = await issue(v, user, card.id, { processorId: 'freshbooks-payments' });
    await registerProcessor(v, 'xero-payments', 'xero-payments', false);
    expect(await refusedRedeem(v, token)).toMatchObject({ reasons: ['revoked'] });
    expect(await refusal(issue(v, user, card.id))).toMatchObject({ code: 'processor_unknown' });
    await expect(redeem(v, other.token, processor('freshbooks-payments'))).resolves.toBeDefined();
    await registerProcessor(v, 'xero-payments', 'xero-payments', true);
    await expect(redeem(v, (await issue(v, user, card.id)).token)).resolves.toBeDefined();
  });

  it('a key taken out of the processor’s JWKS: tokens issued to it revoked; new ones go to the new key', async () => {
    const v = await vaultWithProcessors();
    const { user, card, token } = await outstandingToken(v);
    const renamed = await v.services.processors.put(admin(), 'xero-payments', { name: 'Xero (renamed)', enabled: true, jwks: publicJwks('xero-payments') });
    expect(renamed.currentKid).toBe('xero-payments-example-1');
    const kept = await issue(v, user, card.id);
    await v.services.processors.put(admin(), 'xero-payments', { name: 'Xero', enabled: true, jwks: publicJwks('freshbooks-payments') });
    expect(await refusedRedeem(v, token)).toMatchObject({ reasons: ['revoked'] });
    expect(await refusedRedeem(v, kept.token)).toMatchObject({ reasons: ['revoked'] });
    await expect(redeem(v, (await issue(v, user, card.id)).token)).resolves.toMatchObject({ kid: 'freshbooks-payments-example-1' });
  });

  it('a processor update that keeps its keys and stays enabled revokes nothing', async () => {
    const v = await vaultWithProcessors();
    const { token } = await outstandingToken(v);
    await v.services.processors.put(admin(), 'xero-payments', { name: 'Xero (renamed)', enabled: true, jwks: publicJwks('xero-payments') });
    await expect(redeem(v, token)).resolves.toBeDefined();
  });

  it('switch and processor changes are audited; a processor change that revokes says so', async () => {
    const v = await vaultWithProcessors();
    const tenantId = newUser().tenantId;
    const tenantOff = admin();
    await v.services.paymentSettings.setTenant(tenantOff, tenantId, { enabled: false });
    const groupOn = admin();
    await v.services.paymentSettings.setGroup(groupOn, tenantId, 'sales', { enabled: true });
    const registered = admin();
    await v.services.processors.put(registered, 'new-processor', { name: 'New', enabled: true, jwks: publicJwks('xero-payments') });
    const disabled = admin();
    await v.services.processors.put(disabled, 'new-processor', { name: 'New', enabled: false, jwks: publicJwks('xero-payments') });
    const trail = (actor: { requestId: string }) => auditTrail(v, actor.requestId).map(({ action, outcome, target, reason, tenantId: t }) => ({ action, outcome, target, reason, tenantId: t }));
    expect(trail(tenantOff)).toEqual([{ action: 'payments.disable', outcome: 'success', target: tenantId, reason: null, tenantId }]);
    expect(trail(groupOn)).toEqual([{ action: 'payments.enable', outcome: 'success', target: `${tenantId}/sales`, reason: null, tenantId }]);
    expect(trail(registered)).toEqual([{ action: 'processor.register', outcome: 'success', target: 'new-processor', reason: null, tenantId: null }]);
    expect(trail(disabled)).toEqual([{ action: 'processor.update', outcome: 'success', target: 'new-processor', reason: 'tokens_revoked', tenantId: null }]);
  });

  describe('any sequence of switch and processor changes', () => {
    type Step =
      | { readonly kind: 'issue' }
      | { readonly kind: 'tenant'; readonly enabled: boolean }
      | { readonly kind: 'group'; readonly group: 'sales' | 'support'; readonly enabled: boolean }
      | { readonly kind: 'other-tenant'; readonly enabled: boolean }
      | { readonly kind: 'processor'; readonly enabled: boolean };
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 3, arbitrary: fc.constant({ kind: 'issue' as const }) },
      fc.record({ kind: fc.constant('tenant' as const), enabled: fc.boolean() }),
      fc.record({ kind: fc.constant('group' as const), group: fc.constantFrom('sales' as const, 'support' as const), enabled: fc.boolean() }),
      fc.record({ kind: fc.constant('other-tenant' as const), enabled: fc.boolean() }),
      fc.record({ kind: fc.constant('processor' as const), enabled: fc.boolean() }),
    );

    it('a token is issued iff tenant, group and processor allow it, and redeems iff nothing that revokes its scope happened after it', async () => {
      const v = await vaultWithProcessors({ VAULT_RATE_LIMIT_CARD: '1000/600', VAULT_RATE_LIMIT_USER: '1000/600', VAULT_RATE_LIMIT_CARD_NUMBER: '1000/600' });
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
          // Each run its own tenant and processor on the one fake vault.
          const processorId = `p-${run++}`;
          await registerProcessor(v, processorId, 'xero-payments');
          const user = newUser(undefined, 'sales');
          const card = await addCard(v, user);
          const model = { tenant: true, group: true, processor: true };
          const outstanding: Array<{ token: string; revoked: boolean }> = [];
          const revokeAll = () => outstanding.forEach((t) => (t.revoked = true));
          for (const s of steps) {
            if (s.kind === 'issue') {
              const attempt = issue(v, user, card.id, { processorId });
              if (!model.tenant || !model.group) expect((await refusal(attempt)).code).toBe('payments_disabled');
              else if (!model.processor) expect((await refusal(attempt)).code).toBe('processor_unknown');
              else outstanding.push({ token: (await attempt).token, revoked: false });
            } else if (s.kind === 'tenant') {
              await setTenant(v, user.tenantId, s.enabled);
              model.tenant = s.enabled;
              revokeAll(); // every write to the tenant's switch moves its epoch
            } else if (s.kind === 'group') {
              await setGroup(v, user.tenantId, s.group, s.enabled);
              if (s.group === 'sales') {
                model.group = s.enabled;
                revokeAll();
              }
            } else if (s.kind === 'other-tenant') {
              await setTenant(v, `${user.tenantId}-other`, s.enabled);
            } else {
              await registerProcessor(v, processorId, 'xero-payments', s.enabled);
              model.processor = s.enabled;
              if (!s.enabled) revokeAll(); // enabling again (same keys) revokes nothing
            }
          }
          for (const t of outstanding) {
            const outcome = await redeem(v, t.token, processor(processorId)).then(
              () => 'redeemed',
              () => 'refused',
            );
            expect(outcome).toBe(t.revoked ? 'refused' : 'redeemed');
          }
        }),
        { numRuns: 30 },
      );
    });
  });
});
