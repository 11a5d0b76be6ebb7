import { statement, type Sql } from '../storage/sql.ts';
import { lockOwnerForTransaction } from '../storage/owner-lock.ts';
import type { Owner } from '../identity/actor.ts';

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

const SESSION = `"id", "tenant_id" AS "tenantId", "user_id" AS "userId", "group_id" AS "groupId",
  "billing_profile_id" AS "billingProfileId", "created_by" AS "createdBy", "expires_at" AS "expiresAt", "used_at" AS "usedAt"`;
const INSERT = statement(
  'card_sessions_insert',
  `INSERT INTO "card_entry_sessions" ("id", "secret_hash", "tenant_id", "user_id", "group_id", "billing_profile_id", "created_by", "expires_at")
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
);
const FIND_USABLE = statement('card_sessions_find_usable', `SELECT ${SESSION} FROM "card_entry_sessions" WHERE "secret_hash" = $1 AND "used_at" IS NULL AND "expires_at" > $2`);
const FIND_UNEXPIRED = statement('card_sessions_find_unexpired', `SELECT ${SESSION} FROM "card_entry_sessions" WHERE "secret_hash" = $1 AND "expires_at" > $2`);
const LIVE_EXPIRIES = statement(
  'card_sessions_live_expiries',
  `SELECT "expires_at" AS "expiresAt" FROM "card_entry_sessions"
   WHERE "tenant_id" = $1 AND "user_id" = $2 AND "used_at" IS NULL AND "expires_at" > $3 ORDER BY "expires_at"`,
);
const CONSUME = statement(
  'card_sessions_consume',
  `UPDATE "card_entry_sessions" SET "used_at" = $3, "card_id" = $2 WHERE "id" = $1 AND "used_at" IS NULL AND "expires_at" > $3`,
);

export class SqlCardSessionRepository implements CardSessionRepository {
  constructor(private readonly sql: Sql) {}

  async insert(session: NewCardSession): Promise<void> {
    await this.sql.count(INSERT, [
      session.id, session.secretHash, session.tenantId, session.userId, session.groupId, session.billingProfileId, session.createdBy, session.expiresAt,
    ]);
  }

  async findUsable(secretHash: string, now: Date): Promise<CardSessionRecord | null> {
    return (await this.sql.rows<CardSessionRecord>(FIND_USABLE, [secretHash, now]))[0] ?? null;
  }

  async findUnexpired(secretHash: string, now: Date): Promise<CardSessionRecord | null> {
    return (await this.sql.rows<CardSessionRecord>(FIND_UNEXPIRED, [secretHash, now]))[0] ?? null;
  }

  async liveExpiries(owner: Owner, now: Date): Promise<Date[]> {
    return (await this.sql.rows<{ expiresAt: Date }>(LIVE_EXPIRIES, [owner.tenantId, owner.userId, now])).map((r) => r.expiresAt);
  }

  lockOwner(owner: Owner): Promise<void> {
    return lockOwnerForTransaction(this.sql, 'card-sessions', owner);
  }

  async consume(id: string, cardId: string, now: Date): Promise<boolean> {
    return (await this.sql.count(CONSUME, [id, cardId, now])) === 1;
  }
}
