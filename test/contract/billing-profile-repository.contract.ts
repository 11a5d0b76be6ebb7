import { describe, expect, it } from 'vitest';
import { hex, newOwner, newProfile, type DatabaseSubject, type Subject } from './contract-subjects.ts';

/** What the billing-profile service relies on from `BillingProfileRepository`, for any implementation. */
export function describeBillingProfileRepositoryContract(name: string, subject: Subject<DatabaseSubject>): void {
  describe(`BillingProfileRepository contract (${name})`, () => {
    const profiles = () => subject().uow.repos.billingProfiles;

    it('stores a profile at version 1 and shows it to its owner only, in creation order', async () => {
      const owner = newOwner();
      const first = await profiles().insert(newProfile(owner));
      const second = await profiles().insert(newProfile(owner));
      expect(first).toMatchObject({ tenantId: owner.tenantId, userId: owner.userId, keyVersion: 'v1', version: 1 });
      expect(await profiles().findOwned(owner, first.id)).toEqual(first);
      const listed = await profiles().listOwned(owner);
      expect(listed.map((p) => p.id).sort()).toEqual([first.id, second.id].sort());
      expect(listed[0]!.createdAt.getTime()).toBeLessThanOrEqual(listed[1]!.createdAt.getTime());
      const intruder = newOwner(owner.tenantId);
      expect(await profiles().findOwned(intruder, first.id)).toBeNull();
      expect(await profiles().listOwned(intruder)).toEqual([]);
      expect(await profiles().replaceCiphertext(intruder, first.id, 1, { ciphertext: new Uint8Array([1]), keyVersion: 'v2' })).toBeNull();
      expect(await profiles().deleteOwned(intruder, first.id)).toBe(false);
    });

    it('replaces the ciphertext only at the expected version', async () => {
      const owner = newOwner();
      const profile = await profiles().insert(newProfile(owner));
      const replaced = await profiles().replaceCiphertext(owner, profile.id, 1, { ciphertext: new Uint8Array([1, 2, 3]), keyVersion: 'v2' });
      expect(replaced).toMatchObject({ id: profile.id, keyVersion: 'v2', version: 2 });
      expect(Buffer.from(replaced!.ciphertext)).toEqual(Buffer.from([1, 2, 3]));
      expect(await profiles().replaceCiphertext(owner, profile.id, 1, { ciphertext: new Uint8Array([9]), keyVersion: 'v1' })).toBeNull();
      expect(await profiles().findOwned(owner, profile.id)).toEqual(replaced);
      expect(await profiles().replaceCiphertext(owner, `bp_${hex(11)}`, 1, { ciphertext: new Uint8Array([9]), keyVersion: 'v1' })).toBeNull();
    });

    it('deletes the owner’s profile once', async () => {
      const owner = newOwner();
      const profile = await profiles().insert(newProfile(owner));
      expect(await profiles().deleteOwned(owner, profile.id)).toBe(true);
      expect(await profiles().findOwned(owner, profile.id)).toBeNull();
      expect(await profiles().deleteOwned(owner, profile.id)).toBe(false);
    });
  });
}
