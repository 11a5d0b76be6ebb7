import type { PrismaExecutor } from '../storage/unit-of-work.ts';
import type { Owner } from '../cards/card-repository.ts';
import { lockOwnerForTransaction } from '../storage/owner-lock.ts';

export interface CardSessionRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly groupId: string | null;
  readonly billingProfileId: string | null;
  readonly createdBy: string;
  readonly expiresAt: Date;
  readonly usedAt: Date | null;
}

export type NewCardSession = Omit<CardSessionRecord, 'usedAt'> & { readonly secretHash: string };

/** The only code that touches `card_entry_sessions`. Secrets are looked up by their SHA-256 only. */
export interface CardSessionRepository {
  insert(session: NewCardSession): Promise<void>;
  /** The unused, unexpired session with this secret hash, or null. */
  findUsable(secretHash: string, now: Date): Promise<CardSessionRecord | null>;
  /** The unexpired session with this secret hash, used or not, or null. */
  findUnexpired(secretHash: string, now: Date): Promise<CardSessionRecord | null>;
  /** Marks the session used; false if another request used it first or it expired meanwhile. */
  consume(id: string, cardId: string, now: Date): Promise<boolean>;
  /** Expiry times of the owner's live (unused, unexpired) sessions, soonest first. */
  liveExpiries(owner: Owner, now: Date): Promise<Date[]>;
  /** Serialises session creation for one owner until the transaction ends (so the cap holds). */
  lockOwner(owner: Owner): Promise<void>;
}

const SELECT = { id: true, tenantId: true, userId: true, groupId: true, billingProfileId: true, createdBy: true, expiresAt: true, usedAt: true } as const;

export class PrismaCardSessionRepository implements CardSessionRepository {
  constructor(private readonly db: PrismaExecutor) {}

  async insert(session: NewCardSession): Promise<void> {
    await this.db.cardEntrySession.create({ data: session });
  }

  findUsable(secretHash: string, now: Date): Promise<CardSessionRecord | null> {
    return this.db.cardEntrySession.findFirst({ where: { secretHash, usedAt: null, expiresAt: { gt: now } }, select: SELECT });
  }

  findUnexpired(secretHash: string, now: Date): Promise<CardSessionRecord | null> {
    return this.db.cardEntrySession.findFirst({ where: { secretHash, expiresAt: { gt: now } }, select: SELECT });
  }

  async liveExpiries(owner: Owner, now: Date): Promise<Date[]> {
    const rows = await this.db.cardEntrySession.findMany({
      where: { tenantId: owner.tenantId, userId: owner.userId, usedAt: null, expiresAt: { gt: now } },
      select: { expiresAt: true },
      orderBy: { expiresAt: 'asc' },
    });
    return rows.map((r) => r.expiresAt);
  }

  lockOwner(owner: Owner): Promise<void> {
    return lockOwnerForTransaction(this.db, 'card-sessions', owner);
  }

  async consume(id: string, cardId: string, now: Date): Promise<boolean> {
    const { count } = await this.db.cardEntrySession.updateMany({
      where: { id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now, cardId },
    });
    return count === 1;
  }
}
