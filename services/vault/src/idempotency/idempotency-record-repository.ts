import { statement, type Sql } from '../storage/sql.ts';

/** A remembered outcome of an idempotent database write. */
export interface IdempotencyRecord {
  readonly requestDigest: string;
  readonly status: number;
  readonly contentType: string;
  /** ESDK message of the response body. */
  readonly response: Uint8Array;
  readonly keyVersion: string;
}

/** The only code that touches `idempotency_records`. */
export interface IdempotencyRecordRepository {
  /** The live (unexpired) record under `key`, or null. */
  find(key: string, now: Date): Promise<IdempotencyRecord | null>;
  /**
   * Claims `key` for this transaction (a row with no response yet); false when a live record holds it. A
   * concurrent transaction claiming the same key waits here until this one ends.
   */
  reserve(key: string, requestDigest: string, expiresAt: Date, now: Date): Promise<boolean>;
  /** Fills the reserved row with the outcome, in the same transaction. */
  fill(key: string, outcome: Omit<IdempotencyRecord, 'requestDigest'>): Promise<void>;
  /** Deletes up to `batch` expired records; returns how many. */
  purgeExpired(now: Date, batch?: number): Promise<number>;
}

const FIND = statement(
  'idempotency_records_find',
  `SELECT "request_digest" AS "requestDigest", "status", "content_type" AS "contentType", "response", "key_version" AS "keyVersion"
   FROM "idempotency_records" WHERE "key" = $1 AND "expires_at" > $2 AND "status" > 0`,
);
/** An expired record under the same key is replaced; a live one wins. */
const RESERVE = statement(
  'idempotency_records_reserve',
  `INSERT INTO "idempotency_records" ("key", "request_digest", "status", "content_type", "response", "key_version", "expires_at")
   VALUES ($1, $2, 0, '', ''::bytea, '', $3)
   ON CONFLICT ("key") DO UPDATE
     SET "request_digest" = EXCLUDED."request_digest", "status" = 0, "content_type" = '', "response" = ''::bytea,
         "key_version" = '', "created_at" = CURRENT_TIMESTAMP, "expires_at" = EXCLUDED."expires_at"
     WHERE "idempotency_records"."expires_at" <= $4`,
);
const FILL = statement(
  'idempotency_records_fill',
  `UPDATE "idempotency_records" SET "status" = $2, "content_type" = $3, "response" = $4, "key_version" = $5 WHERE "key" = $1`,
);
const PURGE = statement(
  'idempotency_records_purge',
  `DELETE FROM "idempotency_records" WHERE "key" IN (SELECT "key" FROM "idempotency_records" WHERE "expires_at" <= $1 LIMIT $2)`,
);

export class SqlIdempotencyRecordRepository implements IdempotencyRecordRepository {
  constructor(private readonly sql: Sql) {}

  async find(key: string, now: Date): Promise<IdempotencyRecord | null> {
    return (await this.sql.rows<IdempotencyRecord>(FIND, [key, now]))[0] ?? null;
  }

  async reserve(key: string, requestDigest: string, expiresAt: Date, now: Date): Promise<boolean> {
    return (await this.sql.count(RESERVE, [key, requestDigest, expiresAt, now])) === 1;
  }

  async fill(key: string, outcome: Omit<IdempotencyRecord, 'requestDigest'>): Promise<void> {
    const filled = await this.sql.count(FILL, [key, outcome.status, outcome.contentType, Buffer.from(outcome.response), outcome.keyVersion]);
    if (filled !== 1) throw new Error('idempotency record to fill is missing');
  }

  purgeExpired(now: Date, batch = 1_000): Promise<number> {
    return this.sql.count(PURGE, [now, batch]);
  }
}

/** Deletes every expired record, in batches (so one statement never holds many row locks); returns how many. */
export async function purgeExpiredIdempotency(records: IdempotencyRecordRepository, batch = 1_000): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await records.purgeExpired(new Date(), batch);
    total += deleted;
    if (deleted < batch) return total;
  }
}
