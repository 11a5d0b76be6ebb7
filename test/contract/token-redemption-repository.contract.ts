import { describe, expect, it } from 'vitest';
import type { TokenRedemption } from '../../services/vault/src/payment-tokens/token-redemption-repository.ts';
import { at, hex, newId, type DatabaseSubject, type Subject } from './contract-subjects.ts';

const redemptionOf = (more: Partial<TokenRedemption> = {}): TokenRedemption => ({
  tokenId: newId('ptid_'),
  processorId: 'xero-payments',
  redemptionId: `r-${hex()}`,
  tenantId: `t-${hex()}`,
  tokenExpiresAt: at(Date.now() + 300_000),
  ...more,
});

/** What "a token is released at most once" relies on from `TokenRedemptionRepository`, for any implementation. */
export function describeTokenRedemptionRepositoryContract(name: string, subject: Subject<DatabaseSubject>): void {
  describe(`TokenRedemptionRepository contract (${name})`, () => {
    const uow = () => subject().uow;
    const redemptions = () => uow().repos.tokenRedemptions;

    it('records a release once: a second record of the same token records nothing and answers false', async () => {
      const first = redemptionOf();
      expect(await redemptions().find(first.tokenId)).toBeNull();
      expect(await redemptions().record(first)).toBe(true);
      expect(await redemptions().record({ ...first, processorId: 'freshbooks-payments', redemptionId: null })).toBe(false);
      expect(await redemptions().find(first.tokenId)).toMatchObject({ ...first, redeemedAt: expect.any(Date) });
    });

    it('of concurrent records of one token, in transactions, exactly one commits true', async () => {
      const r = redemptionOf();
      const results = await Promise.all(Array.from({ length: 8 }, () => uow().transaction((repos) => repos.tokenRedemptions.record(r))));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('a record in a transaction that rolls back leaves nothing; forget lets the token be recorded again', async () => {
      const r = redemptionOf({ redemptionId: null });
      await expect(
        uow().transaction(async (repos) => {
          await repos.tokenRedemptions.record(r);
          throw new Error('the audit failed');
        }),
      ).rejects.toThrow('the audit failed');
      expect(await redemptions().find(r.tokenId)).toBeNull();
      expect(await redemptions().record(r)).toBe(true);
      await redemptions().forget(r.tokenId);
      expect(await redemptions().find(r.tokenId)).toBeNull();
      expect(await redemptions().record(r)).toBe(true);
    });

    it('purges releases of tokens expired before the instant given, and no other', async () => {
      const old = redemptionOf({ tokenExpiresAt: at(Date.now() - 3_600_000) });
      const live = redemptionOf();
      await redemptions().record(old);
      await redemptions().record(live);
      expect(await redemptions().purgeExpired(at(Date.now() - 60_000))).toBeGreaterThanOrEqual(1);
      expect(await redemptions().find(old.tokenId)).toBeNull();
      expect(await redemptions().find(live.tokenId)).not.toBeNull();
    });
  });
}
