import type { BillingProfileRecord } from '../../../services/vault/src/billing-profiles/billing-profile-record.ts';
import type { BillingProfileRepository, NewBillingProfile } from '../../../services/vault/src/billing-profiles/billing-profile-repository.ts';
import { byCreation, foreignKeyViolation, uniqueViolation, type Binding } from './in-memory-tables.ts';
import type { Owner } from '../../../services/vault/src/identity/actor.ts';

const owns = (owner: Owner) => (p: BillingProfileRecord) => p.tenantId === owner.tenantId && p.userId === owner.userId;

/** `billing_profiles` in memory: owner-scoped, optimistic `version`, and a delete refused while a card uses the profile. */
export class InMemoryBillingProfileRepository implements BillingProfileRepository {
  constructor(private readonly b: Binding) {}

  async insert(profile: NewBillingProfile): Promise<BillingProfileRecord> {
    if (this.b.db.billingProfiles.get(profile.id)) throw uniqueViolation('billing_profiles_pkey');
    const now = this.b.now();
    const row: BillingProfileRecord = { ...profile, ciphertext: new Uint8Array(profile.ciphertext), version: 1, createdAt: now, updatedAt: now };
    this.b.db.billingProfiles.put(row.id, row, this.b.journal);
    return { ...row };
  }

  async findOwned(owner: Owner, id: string): Promise<BillingProfileRecord | null> {
    const row = this.b.db.billingProfiles.get(id);
    return row && owns(owner)(row) ? { ...row } : null;
  }

  async listOwned(owner: Owner): Promise<BillingProfileRecord[]> {
    return this.b.db.billingProfiles.rows().filter(owns(owner)).sort(byCreation).slice(0, 100).map((p) => ({ ...p }));
  }

  async replaceCiphertext(owner: Owner, id: string, expectedVersion: number, sealed: { ciphertext: Uint8Array; keyVersion: string }): Promise<BillingProfileRecord | null> {
    const row = this.b.db.billingProfiles.get(id);
    if (!row || !owns(owner)(row) || row.version !== expectedVersion) return null;
    const next: BillingProfileRecord = { ...row, ciphertext: new Uint8Array(sealed.ciphertext), keyVersion: sealed.keyVersion, version: row.version + 1, updatedAt: this.b.now() };
    this.b.db.billingProfiles.put(id, next, this.b.journal);
    return { ...next };
  }

  async deleteOwned(owner: Owner, id: string): Promise<boolean> {
    const row = this.b.db.billingProfiles.get(id);
    if (!row || !owns(owner)(row)) return false;
    /* Precondition: ON DELETE RESTRICT — a card's billing address cannot vanish under it. */
    if (this.b.db.cards.rows().some((c) => c.billingProfileId === id)) throw foreignKeyViolation('cards_billing_profile_id_fkey');
    return this.b.db.billingProfiles.delete(id, this.b.journal);
  }
}
