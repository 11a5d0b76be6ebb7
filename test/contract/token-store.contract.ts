import { describe, expect, it } from 'vitest';
import type { StoredToken } from '../../services/vault/src/payment-tokens/token-store.ts';
import { hex, newId, type RedisSubject, type Subject } from './contract-subjects.ts';

/**
 * What issuing and redeeming payment tokens rely on from `TokenStore`: it carries tokens (save, claim, put back,
 * keep a released one for a retry). Single use and revocation are decided in PostgreSQL by the redeem
 * (`token_redemptions`, `revocation_epochs`), not here.
 */
export function describeTokenStoreContract(name: string, subject: Subject<RedisSubject>): void {
  describe(`TokenStore contract (${name})`, () => {
    const s = () => subject();
    const processorId = 'xero-payments';

    /** A token as the service saves it, living `lifeMs` from the store's now. */
    async function issue(overrides: Partial<StoredToken> = {}, lifeMs = 60_000) {
      const tenantId = overrides.tenantId ?? `t-${hex()}`;
      const token: StoredToken = {
        tokenId: newId('ptid_'),
        processorId,
        tenantId,
        groupId: 'sales',
        userId: `u-${hex()}`,
        cardId: newId('card_'),
        kid: 'xero-payments-example-1',
        jwe: `eyJ.${hex(32)}`,
        invoice: { id: 'INV-1', amount: 100, currency: 'EUR', merchantId: 'm-1', partner: 'xero' },
        expiresAt: new Date(s().now() + lifeMs).toISOString(),
        epochs: { [JSON.stringify(['tenant', tenantId])]: '0' },
        ...overrides,
      };
      const hash = hex(32);
      await s().tokens.save(hash, token);
      return { hash, token };
    }

    it('hands a saved token to one claim, for the processor it was issued to', async () => {
      const { hash, token } = await issue();
      const first = await s().tokens.claim(hash, processorId);
      expect(first).toMatchObject({ kind: 'claimed', token, claim: { tokenHash: hash } });
      expect(await s().tokens.claim(hash, processorId)).toEqual({ kind: 'not_found' });
    });

    it('answers not_found for a token never saved', async () => {
      expect(await s().tokens.claim(hex(32), processorId)).toEqual({ kind: 'not_found' });
    });

    it('leaves the token where another processor asks for it; the right one still claims it', async () => {
      const { hash, token } = await issue();
      expect(await s().tokens.claim(hash, 'freshbooks-payments')).toEqual({ kind: 'wrong_processor', token });
      expect(await s().tokens.claim(hash, 'freshbooks-payments')).toEqual({ kind: 'wrong_processor', token });
      expect((await s().tokens.claim(hash, processorId)).kind).toBe('claimed');
    });

    it('of concurrent claims exactly one wins', async () => {
      const { hash } = await issue();
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => s().tokens.claim(hash, processorId)));
      expect(outcomes.filter((o) => o.kind === 'claimed')).toHaveLength(1);
    });

    it('loses a token at its expiry', async () => {
      const { hash } = await issue({}, 300);
      await s().elapse(450);
      expect(await s().tokens.claim(hash, processorId)).toEqual({ kind: 'not_found' });
    });

    it('keeps nothing saved with an expiry already past', async () => {
      const { hash } = await issue({}, -1_000);
      expect(await s().tokens.claim(hash, processorId)).toEqual({ kind: 'not_found' });
    });

    it('never overwrites a live token', async () => {
      const { hash, token } = await issue();
      await expect(s().tokens.save(hash, { ...token, jwe: 'other' })).rejects.toThrow('token collision');
      expect(await s().tokens.claim(hash, processorId)).toMatchObject({ kind: 'claimed', token });
    });

    it('puts a claimed token back once, by its claim: a second put-back, or a late one after another claim, restores nothing', async () => {
      const { hash, token } = await issue();
      const first = await s().tokens.claim(hash, processorId);
      if (first.kind !== 'claimed') throw new Error(first.kind);
      await s().tokens.putBack(first.claim, token);
      await s().tokens.putBack(first.claim, token);
      const second = await s().tokens.claim(hash, processorId);
      if (second.kind !== 'claimed') throw new Error(second.kind);
      expect(second.token).toEqual(token);
      // The first claim's put-back lands late, after the second claim took the token: nothing comes back.
      await s().tokens.putBack(first.claim, token);
      expect(await s().tokens.claim(hash, processorId)).toEqual({ kind: 'not_found' });
    });

    it('puts a token back only until its own expiry', async () => {
      const { hash, token } = await issue();
      const claimed = await s().tokens.claim(hash, processorId);
      if (claimed.kind !== 'claimed') throw new Error(claimed.kind);
      await s().tokens.putBack(claimed.claim, { ...token, expiresAt: new Date(s().now() - 1).toISOString() });
      expect(await s().tokens.claim(hash, processorId)).toEqual({ kind: 'not_found' });
    });

    it('keeps a released token for a retry until the instant given, then forgets it', async () => {
      const { hash, token } = await issue();
      expect(await s().tokens.retryCopy(hash)).toBeNull();
      await s().tokens.keepForRetry(hash, { token, redemptionId: 'r-1' }, s().now() + 300);
      expect(await s().tokens.retryCopy(hash)).toEqual({ token, redemptionId: 'r-1' });
      await s().elapse(450);
      expect(await s().tokens.retryCopy(hash)).toBeNull();
      await s().tokens.keepForRetry(hash, { token, redemptionId: 'r-1' }, s().now() - 1);
      expect(await s().tokens.retryCopy(hash)).toBeNull();
    });
  });
}
