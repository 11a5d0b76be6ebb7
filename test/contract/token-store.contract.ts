import { describe, expect, it } from 'vitest';
import type { EpochScope } from '../../services/vault/src/payment-policy/revocation-epochs.ts';
import type { StoredToken } from '../../services/vault/src/payment-tokens/token-store.ts';
import { hex, newId, type RedisSubject, type Subject } from './contract-subjects.ts';

/** What issuing and redeeming payment tokens rely on from `TokenStore` (with `RevocationEpochs` on the same Redis). */
export function describeTokenStoreContract(name: string, subject: Subject<RedisSubject>): void {
  describe(`TokenStore contract (${name})`, () => {
    const s = () => subject();
    const processorId = 'xero-payments';

    /** A token as the service saves it: its epochs read at issue time, living `lifeMs` from the store's now. */
    async function issue(overrides: Partial<StoredToken> = {}, lifeMs = 60_000) {
      const tenantId = overrides.tenantId ?? `t-${hex()}`;
      const userId = `u-${hex()}`;
      const cardId = newId('card_');
      const scopes: EpochScope[] = [
        { kind: 'tenant', tenantId },
        { kind: 'group', tenantId, groupId: 'sales' },
        { kind: 'card', tenantId, userId, cardId },
        { kind: 'processor', processorId: overrides.processorId ?? processorId },
      ];
      const token: StoredToken = {
        tokenId: newId('ptid_'),
        processorId,
        tenantId,
        groupId: 'sales',
        userId,
        cardId,
        kid: 'xero-payments-example-1',
        jwe: `eyJ.${hex(32)}`,
        invoice: { id: 'INV-1', amount: 100, currency: 'EUR', merchantId: 'm-1', partner: 'xero' },
        expiresAt: new Date(s().now() + lifeMs).toISOString(),
        epochs: await s().epochs.read(scopes),
        ...overrides,
      };
      const hash = hex(32);
      await s().tokens.save(hash, token);
      return { hash, token, scopes };
    }

    it('redeems a saved token once, for the processor it was issued to', async () => {
      const { hash, token } = await issue();
      expect(await s().tokens.redeem(hash, processorId)).toEqual({ kind: 'redeemed', token });
      expect(await s().tokens.redeem(hash, processorId)).toEqual({ kind: 'not_found' });
    });

    it('answers not_found for a token never saved', async () => {
      expect(await s().tokens.redeem(hex(32), processorId)).toEqual({ kind: 'not_found' });
    });

    it('leaves the token where another processor asks for it; the right one still redeems it', async () => {
      const { hash, token } = await issue();
      expect(await s().tokens.redeem(hash, 'freshbooks-payments')).toEqual({ kind: 'wrong_processor', token });
      expect(await s().tokens.redeem(hash, 'freshbooks-payments')).toEqual({ kind: 'wrong_processor', token });
      expect(await s().tokens.redeem(hash, processorId)).toEqual({ kind: 'redeemed', token });
    });

    for (const scope of ['tenant', 'group', 'card', 'processor'] as const) {
      it(`revokes a token once its ${scope} epoch moves after issue, and removes it`, async () => {
        const { hash, token, scopes } = await issue(scope === 'processor' ? { processorId: `p-${hex()}` } : {});
        await s().epochs.bump(scopes.find((x) => x.kind === scope)!);
        expect(await s().tokens.redeem(hash, token.processorId)).toEqual({ kind: 'revoked', token });
        expect(await s().tokens.redeem(hash, token.processorId)).toEqual({ kind: 'not_found' });
      });
    }

    it('redeems a token issued after its epochs moved, and one whose neighbours’ epochs moved', async () => {
      const tenantId = `t-${hex()}`;
      await s().epochs.bump({ kind: 'tenant', tenantId });
      await s().epochs.bump({ kind: 'tenant', tenantId });
      const { hash, token } = await issue({ tenantId });
      expect(Object.values(token.epochs)).toEqual(['2', '0', '0', '0']);
      await s().epochs.bump({ kind: 'card', tenantId, userId: token.userId, cardId: newId('card_') });
      await s().epochs.bump({ kind: 'group', tenantId, groupId: 'support' });
      await s().epochs.bump({ kind: 'tenant', tenantId: `${tenantId}-other` });
      expect(await s().tokens.redeem(hash, processorId)).toEqual({ kind: 'redeemed', token });
    });

    it('loses a token at its expiry', async () => {
      const { hash } = await issue({}, 300);
      await s().elapse(450);
      expect(await s().tokens.redeem(hash, processorId)).toEqual({ kind: 'not_found' });
    });

    it('keeps nothing saved with an expiry already past', async () => {
      const { hash } = await issue({}, -1_000);
      expect(await s().tokens.redeem(hash, processorId)).toEqual({ kind: 'not_found' });
    });

    it('never overwrites a live token', async () => {
      const { hash, token } = await issue();
      await expect(s().tokens.save(hash, { ...token, jwe: 'other' })).rejects.toThrow('token collision');
      await s().tokens.restore(hash, { ...token, jwe: 'other' });
      expect(await s().tokens.redeem(hash, processorId)).toEqual({ kind: 'redeemed', token });
    });

    it('restores a redeemed token for a retry, until its own expiry only', async () => {
      const { hash, token } = await issue();
      await s().tokens.redeem(hash, processorId);
      await s().tokens.restore(hash, token);
      expect(await s().tokens.redeem(hash, processorId)).toEqual({ kind: 'redeemed', token });

      await s().tokens.restore(hash, { ...token, expiresAt: new Date(s().now() - 1).toISOString() });
      expect(await s().tokens.redeem(hash, processorId)).toEqual({ kind: 'not_found' });
    });
  });
}
