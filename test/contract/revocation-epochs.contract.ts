import { describe, expect, it } from 'vitest';
import { epochKey, type EpochScope } from '../../services/vault/src/payment-policy/revocation-epochs.ts';
import { hex, newId, type RedisSubject, type Subject } from './contract-subjects.ts';

/** What token issue and revocation rely on from `RevocationEpochs`, for any implementation. */
export function describeRevocationEpochsContract(name: string, subject: Subject<RedisSubject>): void {
  describe(`RevocationEpochs contract (${name})`, () => {
    const epochs = () => subject().epochs;
    const scopesOf = (tenantId: string): EpochScope[] => [
      { kind: 'tenant', tenantId },
      { kind: 'group', tenantId, groupId: 'sales' },
      { kind: 'card', tenantId, userId: `u-${hex()}`, cardId: newId('card_') },
      { kind: 'processor', processorId: `p-${hex()}` },
    ];

    it('reads "0" for every scope never bumped, keyed by its epoch key', async () => {
      const scopes = scopesOf(`t-${hex()}`);
      expect(await epochs().read(scopes)).toEqual(Object.fromEntries(scopes.map((s) => [epochKey(s), '0'])));
      expect(await epochs().read([])).toEqual({});
    });

    it('moves one scope up by one per bump, and no other', async () => {
      const [tenant, group, card, processor] = scopesOf(`t-${hex()}`) as [EpochScope, EpochScope, EpochScope, EpochScope];
      await epochs().bump(card);
      expect(await epochs().read([tenant, group, card, processor])).toEqual({
        [epochKey(tenant)]: '0',
        [epochKey(group)]: '0',
        [epochKey(card)]: '1',
        [epochKey(processor)]: '0',
      });
      await epochs().bump(card);
      await epochs().bump(group);
      expect(await epochs().read([card, group])).toEqual({ [epochKey(card)]: '2', [epochKey(group)]: '1' });
    });

    it('keeps apart scopes whose ids only split differently (group a:b of T, group b of T:a)', async () => {
      const t = `t-${hex()}`;
      const ab: EpochScope = { kind: 'group', tenantId: t, groupId: 'a:b' };
      const b: EpochScope = { kind: 'group', tenantId: `${t}:a`, groupId: 'b' };
      await epochs().bump(b);
      expect(await epochs().read([ab, b])).toEqual({ [epochKey(ab)]: '0', [epochKey(b)]: '1' });
    });
  });
}
