import { describe, expect, it } from 'vitest';
import { newCard, newOwner, newProfile, newSession, type DatabaseSubject, type Subject } from './contract-subjects.ts';

/** What erasure relies on from `UserDataRepository`, for any implementation. */
export function describeUserDataRepositoryContract(name: string, subject: Subject<DatabaseSubject>): void {
  describe(`UserDataRepository contract (${name})`, () => {
    const uow = () => subject().uow;

    it("deletes the user's cards, billing profiles and card-entry sessions — and nobody else's", async () => {
      const owner = newOwner();
      const neighbour = newOwner(owner.tenantId); // same tenant, another user
      const sameUserElsewhere = { tenantId: `${owner.tenantId}-other`, userId: owner.userId }; // same user id, another tenant
      for (const o of [owner, neighbour, sameUserElsewhere]) {
        const profile = await uow().repos.billingProfiles.insert(newProfile(o));
        await uow().repos.cards.insertOrUpdateDuplicate(newCard(o, { billingProfileId: profile.id }), {});
        await uow().repos.cards.insertOrUpdateDuplicate(newCard(o), {});
        await uow().repos.cardSessions.insert(newSession(o, new Date(Date.now() + 600_000)));
      }
      const ids = await uow().repos.userData.cardIds(owner);
      expect(ids).toHaveLength(2);
      const erased = await uow().transaction((repos) => repos.userData.erase(owner));
      expect(erased).toEqual({ cardIds: [...ids].sort(), billingProfiles: 1, cardSessions: 1 });
      expect(await uow().repos.userData.cardIds(owner)).toEqual([]);
      expect(await uow().repos.billingProfiles.listOwned(owner)).toEqual([]);
      for (const o of [neighbour, sameUserElsewhere]) {
        expect(await uow().repos.userData.cardIds(o)).toHaveLength(2);
        expect(await uow().repos.billingProfiles.listOwned(o)).toHaveLength(1);
      }
      // Nothing left: a second erasure removes nothing.
      expect(await uow().transaction((repos) => repos.userData.erase(owner))).toEqual({ cardIds: [], billingProfiles: 0, cardSessions: 0 });
    });

    it('is undone with its transaction', async () => {
      const owner = newOwner();
      await uow().repos.cards.insertOrUpdateDuplicate(newCard(owner), {});
      await expect(
        uow().transaction(async (repos) => {
          await repos.userData.erase(owner);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await uow().repos.userData.cardIds(owner)).toHaveLength(1);
    });
  });
}
