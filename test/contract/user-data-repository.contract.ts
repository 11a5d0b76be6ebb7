import { describe, expect, it } from 'vitest';
import { hex, newCard, newId, newOwner, newProfile, newSession, type DatabaseSubject, type Subject } from './contract-subjects.ts';
import { newPaymentSession } from './payment-session-repository.contract.ts';

/** What erasure relies on from `UserDataRepository`, for any implementation. */
export function describeUserDataRepositoryContract(name: string, subject: Subject<DatabaseSubject>): void {
  describe(`UserDataRepository contract (${name})`, () => {
    const uow = () => subject().uow;
    /** The owner's cards' ids, as the cards repository lists them. */
    const cardIdsOf = async (owner: { tenantId: string; userId: string }) => (await uow().repos.cards.listOwned(owner, { limit: 100 })).map((c) => c.id);

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
      const ids = await cardIdsOf(owner);
      expect(ids).toHaveLength(2);
      const erased = await uow().transaction((repos) => repos.userData.erase(owner));
      expect(erased).toEqual({ cardIds: [...ids].sort(), billingProfiles: 1, cardSessions: 1 });
      expect(await cardIdsOf(owner)).toEqual([]);
      expect(await uow().repos.billingProfiles.listOwned(owner)).toEqual([]);
      for (const o of [neighbour, sameUserElsewhere]) {
        expect(await cardIdsOf(o)).toHaveLength(2);
        expect(await uow().repos.billingProfiles.listOwned(o)).toHaveLength(1);
      }
      // Nothing left: a second erasure removes nothing.
      expect(await uow().transaction((repos) => repos.userData.erase(owner))).toEqual({ cardIds: [], billingProfiles: 0, cardSessions: 0 });
    });

    it("deletes the user's payment sessions and invoice-payment records — and nobody else's", async () => {
      const owner = newOwner();
      const neighbour = newOwner(owner.tenantId);
      const now = new Date(Date.now());
      const expiresAt = new Date(now.getTime() + 600_000);
      const invoice = { partnerId: 'xero', invoiceId: `INV-${hex(4)}` };
      const sessions = new Map<typeof owner, string>();
      for (const o of [owner, neighbour]) {
        const session = newPaymentSession(o, expiresAt);
        await uow().repos.paymentSessions.insert(session);
        sessions.set(o, session.id);
        expect(await uow().repos.invoicePayments.claim({ owner: o, ...invoice, sessionId: session.id, tokenId: newId('pt_'), tokenExpiresAt: expiresAt }, now)).toBe(true);
      }
      await uow().transaction((repos) => repos.userData.erase(owner));
      expect(await uow().repos.paymentSessions.findOwned(owner, sessions.get(owner)!)).toBeNull();
      expect(await uow().repos.paymentSessions.liveExpiries(owner, now)).toEqual([]);
      expect(await uow().repos.invoicePayments.isHeld(owner, invoice, now)).toBe(false);
      expect(await uow().repos.paymentSessions.findOwned(neighbour, sessions.get(neighbour)!)).not.toBeNull();
      expect(await uow().repos.invoicePayments.isHeld(neighbour, invoice, now)).toBe(true);
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
      expect(await cardIdsOf(owner)).toHaveLength(1);
    });
  });
}
