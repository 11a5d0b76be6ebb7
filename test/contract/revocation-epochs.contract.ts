import { describe, expect, it } from 'vitest';
import { epochKey, epochsMoved, type EpochScope } from '../../services/vault/src/payment-policy/revocation-epochs.ts';
import { hex, newId, type DatabaseSubject, type Subject } from './contract-subjects.ts';

/** What token issue, redeem and revocation rely on from `RevocationEpochRepository`, for any implementation. */
export function describeRevocationEpochsContract(name: string, subject: Subject<DatabaseSubject>): void {
  describe(`RevocationEpochRepository contract (${name})`, () => {
    const uow = () => subject().uow;
    const epochs = () => uow().repos.revocationEpochs;
    const scopesOf = (tenantId: string): EpochScope[] => [
      { kind: 'tenant', tenantId },
      { kind: 'group', tenantId, groupId: 'sales' },
      { kind: 'user', tenantId, userId: `u-${hex()}` },
      { kind: 'card', tenantId, userId: `u-${hex()}`, cardId: newId('card_') },
      { kind: 'processor', processorId: `p-${hex()}` },
    ];

    it('reads "0" for every scope never bumped, keyed by its epoch key', async () => {
      const scopes = scopesOf(`t-${hex()}`);
      expect(await epochs().read(scopes)).toEqual(Object.fromEntries(scopes.map((s) => [epochKey(s), '0'])));
      expect(await epochs().read([])).toEqual({});
      expect(await epochs().readKeys([])).toEqual({});
    });

    it('moves one scope up by one per bump, and no other; readKeys reads what a token recorded', async () => {
      const [tenant, group, user, card, processor] = scopesOf(`t-${hex()}`) as [EpochScope, EpochScope, EpochScope, EpochScope, EpochScope];
      const recorded = await epochs().read([tenant, group, user, card, processor]);
      await epochs().bump(card);
      expect(await epochs().read([tenant, group, user, card, processor])).toEqual({
        [epochKey(tenant)]: '0',
        [epochKey(group)]: '0',
        [epochKey(user)]: '0',
        [epochKey(card)]: '1',
        [epochKey(processor)]: '0',
      });
      await epochs().bump(card);
      await epochs().bump(group);
      expect(await epochs().readKeys([epochKey(card), epochKey(group)])).toEqual({ [epochKey(card)]: '2', [epochKey(group)]: '1' });
      expect(epochsMoved(recorded, await epochs().readKeys(Object.keys(recorded)))).toBe(true);
      expect(epochsMoved(await epochs().read([tenant, processor]), await epochs().read([tenant, processor]))).toBe(false);
    });

    it('keeps apart scopes whose ids only split differently (group a:b of T, group b of T:a)', async () => {
      const t = `t-${hex()}`;
      const ab: EpochScope = { kind: 'group', tenantId: t, groupId: 'a:b' };
      const b: EpochScope = { kind: 'group', tenantId: `${t}:a`, groupId: 'b' };
      await epochs().bump(b);
      expect(await epochs().read([ab, b])).toEqual({ [epochKey(ab)]: '0', [epochKey(b)]: '1' });
    });

    it('a bump in a transaction that rolls back leaves the epoch where it was; one that commits moves it', async () => {
      const tenant: EpochScope = { kind: 'tenant', tenantId: `t-${hex()}` };
      await expect(
        uow().transaction(async (repos) => {
          await repos.revocationEpochs.bump(tenant);
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      expect(await epochs().read([tenant])).toEqual({ [epochKey(tenant)]: '0' });
      await uow().transaction((repos) => repos.revocationEpochs.bump(tenant));
      expect(await epochs().read([tenant])).toEqual({ [epochKey(tenant)]: '1' });
    });
  });
}
