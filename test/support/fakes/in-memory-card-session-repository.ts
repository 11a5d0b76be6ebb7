import type { CardSessionRecord, CardSessionRepository, NewCardSession } from '../../../services/vault/src/card-sessions/card-session-repository.ts';
import { uniqueViolation, type Binding, type StoredCardSession } from './in-memory-tables.ts';
import type { Owner } from '../../../services/vault/src/identity/actor.ts';

/** What the Prisma repository selects: never the secret hash, never the card id. */
function view(s: StoredCardSession): CardSessionRecord {
  return { id: s.id, tenantId: s.tenantId, userId: s.userId, groupId: s.groupId, billingProfileId: s.billingProfileId, createdBy: s.createdBy, expiresAt: s.expiresAt, usedAt: s.usedAt };
}

/** `card_entry_sessions` in memory: looked up by secret hash (unique), used once, live until `expiresAt` (exclusive). */
export class InMemoryCardSessionRepository implements CardSessionRepository {
  constructor(private readonly b: Binding) {}

  async insert(session: NewCardSession): Promise<void> {
    const table = this.b.db.cardSessions;
    if (table.get(session.id)) throw uniqueViolation('card_entry_sessions_pkey');
    if (table.rows().some((s) => s.secretHash === session.secretHash)) throw uniqueViolation('card_entry_sessions_secret_hash_key');
    table.put(session.id, { ...session, usedAt: null, cardId: null }, this.b.journal);
  }

  async findUsable(secretHash: string, now: Date): Promise<CardSessionRecord | null> {
    const s = this.bySecret(secretHash);
    return s && s.usedAt === null && s.expiresAt > now ? view(s) : null;
  }

  async findUnexpired(secretHash: string, now: Date): Promise<CardSessionRecord | null> {
    const s = this.bySecret(secretHash);
    return s && s.expiresAt > now ? view(s) : null;
  }

  async consume(id: string, cardId: string, now: Date): Promise<boolean> {
    const s = this.b.db.cardSessions.get(id);
    if (!s || s.usedAt !== null || !(s.expiresAt > now)) return false;
    this.b.db.cardSessions.put(id, { ...s, usedAt: now, cardId }, this.b.journal);
    return true;
  }

  async liveExpiries(owner: Owner, now: Date): Promise<Date[]> {
    return this.b.db.cardSessions
      .rows()
      .filter((s) => s.tenantId === owner.tenantId && s.userId === owner.userId && s.usedAt === null && s.expiresAt > now)
      .map((s) => s.expiresAt)
      .sort((a, b) => a.getTime() - b.getTime());
  }

  async lockOwner(): Promise<void> {}

  private bySecret(secretHash: string): StoredCardSession | undefined {
    return this.b.db.cardSessions.rows().find((s) => s.secretHash === secretHash);
  }
}
