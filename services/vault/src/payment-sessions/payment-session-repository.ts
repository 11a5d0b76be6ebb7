import { statement, type Sql } from '../storage/sql.ts';
import { lockOwnerForTransaction } from '../storage/owner-lock.ts';
import type { Owner } from '../identity/actor.ts';

/** What the pay form shows of the invoice: the verified fields, as the partner signed them. */
export interface SessionInvoice {
  readonly partnerId: string;
  readonly id: string;
  readonly amount: number;
  readonly currency: string;
  readonly merchantId: string;
  readonly merchantName: string;
  readonly dueDate: string;
}

/** Stored states; `expired` is not stored, it is an open session past `expiresAt`. */
export type StoredSessionState = 'open' | 'confirmed' | 'failed';

export interface PaymentSessionRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly groupId: string | null;
  readonly cardId: string;
  readonly processorId: string;
  readonly partnerId: string;
  readonly invoiceId: string;
  readonly invoice: SessionInvoice;
  readonly invoiceJws: string;
  readonly createdBy: string;
  readonly expiresAt: Date;
  readonly state: StoredSessionState;
  readonly failedCode: string | null;
  readonly cvcFailures: number;
  readonly tokenId: string | null;
  readonly tokenExpiresAt: Date | null;
}

export type NewPaymentSession = Omit<PaymentSessionRecord, 'state' | 'failedCode' | 'cvcFailures' | 'tokenId' | 'tokenExpiresAt'> & {
  readonly secretHash: string;
};

/** The only code that touches `payment_sessions`. Secrets are looked up by their SHA-256 only. */
export interface PaymentSessionRepository {
  insert(session: NewPaymentSession): Promise<void>;
  /** The session with this id of this owner, or null. */
  findOwned(owner: Owner, id: string): Promise<PaymentSessionRecord | null>;
  /** The unexpired session with this secret hash, whatever its state, or null. */
  findUnexpired(secretHash: string, now: Date): Promise<PaymentSessionRecord | null>;
  /** Expiry times of the owner's live (open, unexpired) sessions, soonest first. */
  liveExpiries(owner: Owner, now: Date): Promise<Date[]>;
  /** Serialises session creation for one owner until the transaction ends (so the cap holds). */
  lockOwner(owner: Owner): Promise<void>;
  /** Open → confirmed with the token's id; false when it was no longer open and unexpired. */
  confirm(id: string, tokenId: string, tokenExpiresAt: Date, now: Date): Promise<boolean>;
  /** One more wrong-format security code; at `max` the session fails with `code`. The count after, or null if not open. */
  countCvcFailure(id: string, max: number, code: string, now: Date): Promise<number | null>;
  /** Open → failed with `code` (false when it was no longer open). */
  fail(id: string, code: string): Promise<boolean>;
}

const SESSION = `"id", "tenant_id" AS "tenantId", "user_id" AS "userId", "group_id" AS "groupId", "card_id" AS "cardId",
  "processor_id" AS "processorId", "partner_id" AS "partnerId", "invoice_id" AS "invoiceId", "invoice", "invoice_jws" AS "invoiceJws",
  "created_by" AS "createdBy", "expires_at" AS "expiresAt", "state", "failed_code" AS "failedCode", "cvc_failures" AS "cvcFailures",
  "token_id" AS "tokenId", "token_expires_at" AS "tokenExpiresAt"`;
const INSERT = statement(
  'payment_sessions_insert',
  `INSERT INTO "payment_sessions" ("id", "secret_hash", "tenant_id", "user_id", "group_id", "card_id", "processor_id", "partner_id",
     "invoice_id", "invoice", "invoice_jws", "created_by", "expires_at")
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13)`,
);
const FIND_OWNED = statement('payment_sessions_find_owned', `SELECT ${SESSION} FROM "payment_sessions" WHERE "id" = $1 AND "tenant_id" = $2 AND "user_id" = $3`);
const FIND_UNEXPIRED = statement('payment_sessions_find_unexpired', `SELECT ${SESSION} FROM "payment_sessions" WHERE "secret_hash" = $1 AND "expires_at" > $2`);
const LIVE_EXPIRIES = statement(
  'payment_sessions_live_expiries',
  `SELECT "expires_at" AS "expiresAt" FROM "payment_sessions"
   WHERE "tenant_id" = $1 AND "user_id" = $2 AND "state" = 'open' AND "expires_at" > $3 ORDER BY "expires_at"`,
);
const CONFIRM = statement(
  'payment_sessions_confirm',
  `UPDATE "payment_sessions" SET "state" = 'confirmed', "token_id" = $2, "token_expires_at" = $3, "confirmed_at" = $4
   WHERE "id" = $1 AND "state" = 'open' AND "expires_at" > $4`,
);
const CVC_FAILURE = statement(
  'payment_sessions_cvc_failure',
  `UPDATE "payment_sessions" SET "cvc_failures" = "cvc_failures" + 1,
     "state" = CASE WHEN "cvc_failures" + 1 >= $2 THEN 'failed' ELSE "state" END,
     "failed_code" = CASE WHEN "cvc_failures" + 1 >= $2 THEN $3 ELSE "failed_code" END
   WHERE "id" = $1 AND "state" = 'open' AND "expires_at" > $4
   RETURNING "cvc_failures" AS "cvcFailures"`,
);
const FAIL = statement('payment_sessions_fail', `UPDATE "payment_sessions" SET "state" = 'failed', "failed_code" = $2 WHERE "id" = $1 AND "state" = 'open'`);

export class SqlPaymentSessionRepository implements PaymentSessionRepository {
  constructor(private readonly sql: Sql) {}

  async insert(s: NewPaymentSession): Promise<void> {
    await this.sql.count(INSERT, [
      s.id, s.secretHash, s.tenantId, s.userId, s.groupId, s.cardId, s.processorId, s.partnerId, s.invoiceId, JSON.stringify(s.invoice), s.invoiceJws, s.createdBy, s.expiresAt,
    ]);
  }

  async findOwned(owner: Owner, id: string): Promise<PaymentSessionRecord | null> {
    return (await this.sql.rows<PaymentSessionRecord>(FIND_OWNED, [id, owner.tenantId, owner.userId]))[0] ?? null;
  }

  async findUnexpired(secretHash: string, now: Date): Promise<PaymentSessionRecord | null> {
    return (await this.sql.rows<PaymentSessionRecord>(FIND_UNEXPIRED, [secretHash, now]))[0] ?? null;
  }

  async liveExpiries(owner: Owner, now: Date): Promise<Date[]> {
    return (await this.sql.rows<{ expiresAt: Date }>(LIVE_EXPIRIES, [owner.tenantId, owner.userId, now])).map((r) => r.expiresAt);
  }

  lockOwner(owner: Owner): Promise<void> {
    return lockOwnerForTransaction(this.sql, 'payment-sessions', owner);
  }

  async confirm(id: string, tokenId: string, tokenExpiresAt: Date, now: Date): Promise<boolean> {
    return (await this.sql.count(CONFIRM, [id, tokenId, tokenExpiresAt, now])) === 1;
  }

  async countCvcFailure(id: string, max: number, code: string, now: Date): Promise<number | null> {
    return (await this.sql.rows<{ cvcFailures: number }>(CVC_FAILURE, [id, max, code, now]))[0]?.cvcFailures ?? null;
  }

  async fail(id: string, code: string): Promise<boolean> {
    return (await this.sql.count(FAIL, [id, code])) === 1;
  }
}
