import type { Owner } from '../cards/card-repository.ts';
import type { PrismaExecutor } from '../storage/unit-of-work.ts';
import type { BillingProfileRecord } from './billing-profile-record.ts';

export type NewBillingProfile = Pick<BillingProfileRecord, 'id' | 'tenantId' | 'userId' | 'ciphertext' | 'keyVersion'>;

/** The only code that reads or writes `billing_profiles`. Every lookup is scoped to its owner. */
export interface BillingProfileRepository {
  insert(profile: NewBillingProfile): Promise<BillingProfileRecord>;
  findOwned(owner: Owner, id: string): Promise<BillingProfileRecord | null>;
  listOwned(owner: Owner): Promise<BillingProfileRecord[]>;
  /** Replaces the ciphertext only if the row is still at `expectedVersion` (optimistic concurrency). */
  replaceCiphertext(owner: Owner, id: string, expectedVersion: number, sealed: { ciphertext: Uint8Array; keyVersion: string }): Promise<BillingProfileRecord | null>;
  deleteOwned(owner: Owner, id: string): Promise<boolean>;
}

export class PrismaBillingProfileRepository implements BillingProfileRepository {
  constructor(private readonly db: PrismaExecutor) {}

  insert(profile: NewBillingProfile): Promise<BillingProfileRecord> {
    return this.db.billingProfile.create({ data: { ...profile, ciphertext: new Uint8Array(profile.ciphertext) } });
  }

  findOwned(owner: Owner, id: string): Promise<BillingProfileRecord | null> {
    return this.db.billingProfile.findFirst({ where: { id, tenantId: owner.tenantId, userId: owner.userId } });
  }

  listOwned(owner: Owner): Promise<BillingProfileRecord[]> {
    return this.db.billingProfile.findMany({
      where: { tenantId: owner.tenantId, userId: owner.userId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: 100,
    });
  }

  async replaceCiphertext(
    owner: Owner,
    id: string,
    expectedVersion: number,
    sealed: { ciphertext: Uint8Array; keyVersion: string },
  ): Promise<BillingProfileRecord | null> {
    const { count } = await this.db.billingProfile.updateMany({
      where: { id, tenantId: owner.tenantId, userId: owner.userId, version: expectedVersion },
      data: { ciphertext: new Uint8Array(sealed.ciphertext), keyVersion: sealed.keyVersion, version: { increment: 1 } },
    });
    return count === 1 ? this.findOwned(owner, id) : null;
  }

  async deleteOwned(owner: Owner, id: string): Promise<boolean> {
    const { count } = await this.db.billingProfile.deleteMany({ where: { id, tenantId: owner.tenantId, userId: owner.userId } });
    return count === 1;
  }
}
