import type { PrismaExecutor } from '../storage/unit-of-work.ts';
import { lockOwnerForTransaction } from '../storage/owner-lock.ts';
import type { CardRecord } from './card-record.ts';

export type NewCard = Omit<CardRecord, 'version' | 'createdAt' | 'updatedAt'>;
export type CardChanges = Partial<Pick<CardRecord, 'expMonth' | 'expYear' | 'cardholderName' | 'billingProfileId' | 'fingerprint' | 'fingerprintKeyVersion'>>;

export interface Owner {
  readonly tenantId: string;
  readonly userId: string;
}

/** The only code that reads or writes the `cards` table. Every lookup is scoped to its owner. */
export interface CardRepository {
  findOwned(owner: Owner, id: string): Promise<CardRecord | null>;
  /** The owner's card with any of these fingerprints (one per loaded fingerprint key version). */
  findByAnyFingerprint(owner: Owner, fingerprints: readonly string[]): Promise<CardRecord | null>;
  /** Up to `limit` of the owner's cards in creation order, after the card `after` (a cursor) if given. */
  listOwned(owner: Owner, page: { readonly limit: number; readonly after?: Pick<CardRecord, 'id' | 'createdAt'> }): Promise<CardRecord[]>;
  /** How many cards the owner holds. */
  countOwned(owner: Owner): Promise<number>;
  /** Serialises card writes of one owner until the transaction ends (so a cap holds under concurrency). */
  lockOwner(owner: Owner): Promise<void>;
  /** Inserts, or — when the owner already holds this fingerprint — applies `onDuplicate` to that row. */
  insertOrUpdateDuplicate(card: NewCard, onDuplicate: CardChanges): Promise<{ card: CardRecord; created: boolean }>;
  updateOwned(owner: Owner, id: string, changes: CardChanges): Promise<CardRecord | null>;
  deleteOwned(owner: Owner, id: string): Promise<boolean>;
  countUsingBillingProfile(billingProfileId: string): Promise<number>;
}

export class PrismaCardRepository implements CardRepository {
  constructor(private readonly db: PrismaExecutor) {}

  findOwned(owner: Owner, id: string): Promise<CardRecord | null> {
    return this.db.card.findFirst({ where: { id, tenantId: owner.tenantId, userId: owner.userId } });
  }

  findByAnyFingerprint(owner: Owner, fingerprints: readonly string[]): Promise<CardRecord | null> {
    return this.db.card.findFirst({ where: { tenantId: owner.tenantId, userId: owner.userId, fingerprint: { in: [...fingerprints] } } });
  }

  listOwned(owner: Owner, page: { readonly limit: number; readonly after?: Pick<CardRecord, 'id' | 'createdAt'> }): Promise<CardRecord[]> {
    const { after } = page;
    return this.db.card.findMany({
      where: {
        tenantId: owner.tenantId,
        userId: owner.userId,
        ...(after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: page.limit,
    });
  }

  countOwned(owner: Owner): Promise<number> {
    return this.db.card.count({ where: { tenantId: owner.tenantId, userId: owner.userId } });
  }

  lockOwner(owner: Owner): Promise<void> {
    return lockOwnerForTransaction(this.db, 'cards', owner);
  }

  async insertOrUpdateDuplicate(card: NewCard, onDuplicate: CardChanges): Promise<{ card: CardRecord; created: boolean }> {
    const row = await this.db.card.upsert({
      where: { tenantId_userId_fingerprint: { tenantId: card.tenantId, userId: card.userId, fingerprint: card.fingerprint } },
      create: { ...card, ciphertext: new Uint8Array(card.ciphertext) },
      update: { ...onDuplicate, version: { increment: 1 } },
    });
    return { card: row, created: row.id === card.id };
  }

  async updateOwned(owner: Owner, id: string, changes: CardChanges): Promise<CardRecord | null> {
    const { count } = await this.db.card.updateMany({
      where: { id, tenantId: owner.tenantId, userId: owner.userId },
      data: { ...changes, version: { increment: 1 } },
    });
    return count === 1 ? this.findOwned(owner, id) : null;
  }

  async deleteOwned(owner: Owner, id: string): Promise<boolean> {
    const { count } = await this.db.card.deleteMany({ where: { id, tenantId: owner.tenantId, userId: owner.userId } });
    return count === 1;
  }

  countUsingBillingProfile(billingProfileId: string): Promise<number> {
    return this.db.card.count({ where: { billingProfileId } });
  }
}
