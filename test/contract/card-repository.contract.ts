import { describe, expect, it } from 'vitest';
import type { CardSummary } from '../../services/vault/src/cards/card-record.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../../services/vault/src/storage/database-errors.ts';
import type { CardAdd, CardFromSession, NewCard } from '../../services/vault/src/cards/card-repository.ts';
import { at, hex, newCard, newOwner, newProfile, newRequestId, newSession, type DatabaseSubject, type Subject } from './contract-subjects.ts';
import type { Owner } from '../../services/vault/src/identity/actor.ts';

const byCreation = (a: CardSummary, b: CardSummary) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** What the card service relies on from `CardRepository`, for any implementation. */
export function describeCardRepositoryContract(name: string, subject: Subject<DatabaseSubject>): void {
  describe(`CardRepository contract (${name})`, () => {
    const cards = () => subject().uow.repos.cards;

    it('stores a new card as given, version 1, and shows it to its owner only', async () => {
      const owner = newOwner();
      const card = newCard(owner);
      const { card: stored, created } = await cards().insertOrUpdateDuplicate(card, {});
      expect(created).toBe(true);
      expect({ ...stored, ciphertext: Buffer.from(stored.ciphertext) }).toMatchObject({ ...card, ciphertext: Buffer.from(card.ciphertext), version: 1 });
      expect(stored.createdAt).toBeInstanceOf(Date);
      expect(stored.updatedAt.getTime()).toBeGreaterThanOrEqual(stored.createdAt.getTime());
      expect(await cards().findOwned(owner, card.id)).toEqual(stored);
      expect(await cards().findByAnyFingerprint(owner, ['fp_other', card.fingerprint])).toEqual(stored);
      expect(await cards().findByAnyFingerprint(owner, [])).toBeNull();

      for (const intruder of [newOwner(owner.tenantId), { tenantId: `t-${hex()}`, userId: owner.userId }]) {
        expect(await cards().findOwned(intruder, card.id)).toBeNull();
        expect(await cards().findByAnyFingerprint(intruder, [card.fingerprint])).toBeNull();
        expect(await cards().updateOwned(intruder, card.id, { cardholderName: 'Mallory' })).toBeNull();
        expect(await cards().deleteOwned(intruder, card.id)).toBe(false);
        expect(await cards().listOwned(intruder, { limit: 10 })).toEqual([]);
        expect(await cards().countOwned(intruder)).toBe(0);
      }
      expect(await cards().findOwned(owner, card.id)).toEqual(stored);
    });

    it('keeps one card per owner and fingerprint: the same fingerprint again updates that card', async () => {
      const owner = newOwner();
      const first = (await cards().insertOrUpdateDuplicate(newCard(owner), {})).card;
      const again = newCard(owner, { fingerprint: first.fingerprint, expMonth: 3 });
      const result = await cards().insertOrUpdateDuplicate(again, { expMonth: 3, cardholderName: 'A. Lovelace', expYear: undefined });
      expect(result.created).toBe(false);
      expect(result.card).toMatchObject({ id: first.id, expMonth: 3, expYear: first.expYear, cardholderName: 'A. Lovelace', version: 2 });
      expect(result.card.createdAt).toEqual(first.createdAt);
      expect(await cards().findOwned(owner, again.id)).toBeNull();
      expect(await cards().countOwned(owner)).toBe(1);

      // Another user of the same tenant holding the same card gets a card of their own.
      const other = newOwner(owner.tenantId);
      const theirs = await cards().insertOrUpdateDuplicate(newCard(other, { fingerprint: first.fingerprint }), {});
      expect(theirs.created).toBe(true);
      expect(theirs.card.id).not.toBe(first.id);
      expect(await cards().countOwned(owner)).toBe(1);
    });

    it('lists the owner’s cards in creation order (then id), a page at a time after a cursor', async () => {
      const owner = newOwner();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await cards().insertOrUpdateDuplicate(newCard(owner), {})).card.id);
      await cards().insertOrUpdateDuplicate(newCard(newOwner(owner.tenantId)), {});
      const all = await cards().listOwned(owner, { limit: 100 });
      expect(all.map((c) => c.id).sort()).toEqual([...ids].sort());
      expect([...all].sort(byCreation)).toEqual(all);

      const pages: string[][] = [];
      let after: CardSummary | undefined;
      for (let guard = 0; guard < 10; guard++) {
        const page = await cards().listOwned(owner, { limit: 2, ...(after ? { after } : {}) });
        if (page.length === 0) break;
        pages.push(page.map((c) => c.id));
        after = page.at(-1);
      }
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual(all.map((c) => c.id));
      expect(await cards().listOwned(owner, { limit: 3, after: all[1]! })).toEqual(all.slice(2, 5));
    });

    it('lists no sealed PAN: a listing carries no ciphertext', async () => {
      const owner = newOwner();
      await cards().insertOrUpdateDuplicate(newCard(owner), {});
      const [listed] = await cards().listOwned(owner, { limit: 1 });
      expect(listed).toBeDefined();
      expect(listed).not.toHaveProperty('ciphertext');
    });

    it('updates the owner’s card: members left undefined stay, the version counts, fingerprints stay unique', async () => {
      const owner = newOwner();
      const card = (await cards().insertOrUpdateDuplicate(newCard(owner), {})).card;
      const other = (await cards().insertOrUpdateDuplicate(newCard(owner), {})).card;
      const updated = await cards().updateOwned(owner, card.id, { cardholderName: 'Augusta Ada King', expMonth: undefined });
      expect(updated).toMatchObject({ id: card.id, cardholderName: 'Augusta Ada King', expMonth: card.expMonth, version: 2 });
      expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(card.updatedAt.getTime());
      expect(await cards().findOwned(owner, card.id)).toEqual(updated);
      expect(await cards().updateOwned(owner, `card_${hex(11)}`, { cardholderName: 'x' })).toBeNull();

      const clash = await cards().updateOwned(owner, card.id, { fingerprint: other.fingerprint }).catch((err: unknown) => err);
      expect(isUniqueViolation(clash)).toBe(true);
    });

    it('deletes the owner’s card once', async () => {
      const owner = newOwner();
      const card = (await cards().insertOrUpdateDuplicate(newCard(owner), {})).card;
      expect(await cards().deleteOwned(owner, card.id)).toBe(true);
      expect(await cards().findOwned(owner, card.id)).toBeNull();
      expect(await cards().deleteOwned(owner, card.id)).toBe(false);
      expect(await cards().countOwned(owner)).toBe(0);
    });

    it('refers only to billing profiles that exist, and counts the cards using one', async () => {
      const owner = newOwner();
      const missing = await cards().insertOrUpdateDuplicate(newCard(owner, { billingProfileId: `bp_${hex(11)}` }), {}).catch((err: unknown) => err);
      expect(isForeignKeyViolation(missing)).toBe(true);
      expect(await cards().countOwned(owner)).toBe(0);

      const profile = await subject().uow.repos.billingProfiles.insert(newProfile(owner));
      const card = (await cards().insertOrUpdateDuplicate(newCard(owner, { billingProfileId: profile.id }), {})).card;
      expect(await cards().countUsingBillingProfile(profile.id)).toBe(1);
      const inUse = await subject().uow.repos.billingProfiles.deleteOwned(owner, profile.id).catch((err: unknown) => err);
      expect(isForeignKeyViolation(inUse)).toBe(true);
      await cards().updateOwned(owner, card.id, { billingProfileId: null });
      expect(await cards().countUsingBillingProfile(profile.id)).toBe(0);
      expect(await subject().uow.repos.billingProfiles.deleteOwned(owner, profile.id)).toBe(true);
    });

    describe('addOrMerge: a card add from an import, the form\'s merge, a card that already existed keeping its billing profile', () => {
      const importing = (owner: Owner, card: Partial<NewCard> = {}, withProfile = false, olderFingerprints: readonly string[] = []): CardAdd => {
        const profile = withProfile ? newProfile(owner) : null;
        return { card: newCard(owner, { ...card, billingProfileId: profile?.id ?? null }), setBillingProfile: profile !== null, olderFingerprints, newProfile: profile };
      };
      const profileOf = (owner: Owner, id: string) => subject().uow.repos.billingProfiles.findOwned(owner, id);

      it('stores a new card as given, version 1; with an address, the profile is stored and the card refers to it', async () => {
        const owner = newOwner();
        const plain = importing(owner);
        const stored = await cards().addOrMerge(plain);
        expect(stored.created).toBe(true);
        expect({ ...stored.card, ciphertext: Buffer.from(stored.card.ciphertext) }).toMatchObject({ ...plain.card, ciphertext: Buffer.from(plain.card.ciphertext), billingProfileId: null, version: 1 });
        expect(await cards().findOwned(owner, plain.card.id)).toEqual(stored.card);

        const withAddress = importing(owner, {}, true);
        const linked = await cards().addOrMerge(withAddress);
        expect(linked).toMatchObject({ created: true, card: { id: withAddress.card.id, billingProfileId: withAddress.newProfile!.id, version: 1 } });
        expect(await profileOf(owner, withAddress.newProfile!.id)).toMatchObject({ id: withAddress.newProfile!.id });
        expect(await cards().findOwned(owner, withAddress.card.id)).toEqual(linked.card);
      });

      it('merges a duplicate (same fingerprint): expiry and name updated, its own billing profile kept, the new one not stored', async () => {
        const owner = newOwner();
        const first = importing(owner, {}, true);
        await cards().addOrMerge(first);
        const again = importing(owner, { fingerprint: first.card.fingerprint, expMonth: 3, cardholderName: 'Grace Hopper' }, true);
        const merged = await cards().addOrMerge(again);
        expect(merged).toMatchObject({ created: false, card: { id: first.card.id, expMonth: 3, cardholderName: 'Grace Hopper', billingProfileId: first.newProfile!.id, version: 2 } });
        expect(await profileOf(owner, again.newProfile!.id)).toBeNull();
        expect(await cards().findOwned(owner, again.card.id)).toBeNull();
        expect(await cards().countOwned(owner)).toBe(1);
      });

      it('moves a card under an older fingerprint to the current one, keeping its billing profile', async () => {
        const owner = newOwner();
        const old = importing(owner, { fingerprintKeyVersion: 'v0' }, true);
        await cards().addOrMerge(old);
        const current = importing(owner, { fingerprintKeyVersion: 'v1', cardholderName: 'After Rotation' }, true, [`fp_${hex(16)}`, old.card.fingerprint]);
        const moved = await cards().addOrMerge(current);
        expect(moved).toMatchObject({
          created: false,
          card: { id: old.card.id, fingerprint: current.card.fingerprint, fingerprintKeyVersion: 'v1', cardholderName: 'After Rotation', billingProfileId: old.newProfile!.id, version: 2 },
        });
        expect(await profileOf(owner, current.newProfile!.id)).toBeNull();
        expect(await cards().countOwned(owner)).toBe(1);
      });

      it('is all or nothing: a profile that cannot be stored leaves no card', async () => {
        const owner = newOwner();
        const first = importing(owner, {}, true);
        await cards().addOrMerge(first);
        const clash: CardAdd = { ...importing(owner), setBillingProfile: true, newProfile: first.newProfile };
        const failed = await cards().addOrMerge({ ...clash, card: { ...clash.card, billingProfileId: first.newProfile!.id } }).catch((err: unknown) => err);
        expect(isUniqueViolation(failed)).toBe(true);
        expect(await cards().findOwned(owner, clash.card.id)).toBeNull();
        expect(await cards().countOwned(owner)).toBe(1);
      });
    });

    describe('storeFromSession: a card add from the hosted form, all or nothing', () => {
      const HOUR = 3_600_000;
      async function sessionFor(owner: Owner): Promise<string> {
        const session = newSession(owner, at(Date.now() + HOUR));
        await subject().uow.repos.cardSessions.insert(session);
        return session.id;
      }
      function add(owner: Owner, sessionId: string, overrides: Partial<CardFromSession> = {}, card: Partial<NewCard> = {}): CardFromSession & { requestId: string } {
        const requestId = newRequestId();
        return {
          sessionId,
          now: at(Date.now()),
          card: newCard(owner, card),
          setBillingProfile: false,
          olderFingerprints: [],
          newProfile: null,
          maxCards: null,
          audit: { action: 'card.create', outcome: 'success', actorService: 'card-form', requestId, tenantId: owner.tenantId, userId: owner.userId },
          requestId,
          ...overrides,
        };
      }
      const audited = async (requestId: string) => (await subject().auditEvents(requestId)).map((e) => [e.action, e.target, e.reason]);

      it('stores a new card, consumes the session and audits the card as target', async () => {
        const owner = newOwner();
        const a = add(owner, await sessionFor(owner));
        const stored = await cards().storeFromSession(a);
        expect(stored).toMatchObject({ kind: 'stored', created: true, card: { id: a.card.id, version: 1, last4: '4242' } });
        expect(await audited(a.requestId)).toEqual([['card.create', a.card.id, null]]);
        // The session is spent: a second add with it changes nothing.
        const again = add(owner, a.sessionId);
        expect(await cards().storeFromSession(again)).toEqual({ kind: 'session_used' });
        expect(await cards().findOwned(owner, again.card.id)).toBeNull();
        expect(await audited(again.requestId)).toEqual([]);
      });

      it('updates the owner’s card with the same fingerprint (a duplicate), audited with reason duplicate', async () => {
        const owner = newOwner();
        const first = add(owner, await sessionFor(owner));
        await cards().storeFromSession(first);
        const second = add(owner, await sessionFor(owner), {}, { fingerprint: first.card.fingerprint, expMonth: 3, cardholderName: 'Grace Hopper' });
        const stored = await cards().storeFromSession(second);
        expect(stored).toMatchObject({ kind: 'stored', created: false, card: { id: first.card.id, expMonth: 3, cardholderName: 'Grace Hopper', version: 2 } });
        expect(await audited(second.requestId)).toEqual([['card.create', first.card.id, 'duplicate']]);
        expect(await cards().countOwned(owner)).toBe(1);
      });

      it('moves a card under an older fingerprint to the current one', async () => {
        const owner = newOwner();
        const old = (await cards().insertOrUpdateDuplicate(newCard(owner, { fingerprintKeyVersion: 'v0' }), {})).card;
        const a = add(owner, await sessionFor(owner), { olderFingerprints: [old.fingerprint] }, { fingerprintKeyVersion: 'v1' });
        const stored = await cards().storeFromSession(a);
        expect(stored).toMatchObject({ kind: 'stored', created: false, card: { id: old.id, fingerprint: a.card.fingerprint, fingerprintKeyVersion: 'v1', version: 2 } });
      });

      it('inserts the inline billing profile and links it; refused past the cap, nothing is left: no card, no profile, the session unspent', async () => {
        const owner = newOwner();
        const profile = newProfile(owner);
        const a = add(owner, await sessionFor(owner), { newProfile: profile, setBillingProfile: true, maxCards: 1 }, { billingProfileId: profile.id });
        expect(await cards().storeFromSession(a)).toMatchObject({ kind: 'stored', created: true, card: { billingProfileId: profile.id } });
        const sessionId = await sessionFor(owner);
        const profile2 = newProfile(owner);
        const over = add(owner, sessionId, { newProfile: profile2, setBillingProfile: true, maxCards: 1 }, { billingProfileId: profile2.id });
        expect(await cards().storeFromSession(over)).toEqual({ kind: 'card_limit_reached' });
        expect(await cards().findOwned(owner, over.card.id)).toBeNull();
        expect(await subject().uow.repos.billingProfiles.findOwned(owner, profile2.id)).toBeNull();
        expect(await audited(over.requestId)).toEqual([]);
        // The session was not spent by the refused add: a duplicate (adds no card) may still use it.
        const dup = add(owner, sessionId, { maxCards: 1 }, { fingerprint: a.card.fingerprint });
        expect(await cards().storeFromSession(dup)).toMatchObject({ kind: 'stored', created: false });
      });
    });
  });
}
