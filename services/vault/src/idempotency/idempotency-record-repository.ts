import type { PrismaExecutor } from '../storage/unit-of-work.ts';

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

export class PrismaIdempotencyRecordRepository implements IdempotencyRecordRepository {
  constructor(private readonly db: PrismaExecutor) {}

  async find(key: string, now: Date): Promise<IdempotencyRecord | null> {
    const row = await this.db.idempotencyRecord.findFirst({ where: { key, expiresAt: { gt: now }, status: { gt: 0 } } });
    return row ? { requestDigest: row.requestDigest, status: row.status, contentType: row.contentType, response: row.response, keyVersion: row.keyVersion } : null;
  }

  async reserve(key: string, requestDigest: string, expiresAt: Date, now: Date): Promise<boolean> {
    // An expired record under the same key is replaced; a live one wins.
    const count = await this.db.$executeRaw`
      INSERT INTO "idempotency_records" ("key", "request_digest", "status", "content_type", "response", "key_version", "expires_at")
      VALUES (${key}, ${requestDigest}, 0, '', ''::bytea, '', ${expiresAt})
      ON CONFLICT ("key") DO UPDATE
        SET "request_digest" = EXCLUDED."request_digest", "status" = 0, "content_type" = '', "response" = ''::bytea,
            "key_version" = '', "created_at" = CURRENT_TIMESTAMP, "expires_at" = EXCLUDED."expires_at"
        WHERE "idempotency_records"."expires_at" <= ${now}`;
    return count === 1;
  }

  async fill(key: string, outcome: Omit<IdempotencyRecord, 'requestDigest'>): Promise<void> {
    await this.db.idempotencyRecord.update({
      where: { key },
      data: { status: outcome.status, contentType: outcome.contentType, response: new Uint8Array(outcome.response), keyVersion: outcome.keyVersion },
    });
  }

  async purgeExpired(now: Date, batch = 1_000): Promise<number> {
    return this.db.$executeRaw`
      DELETE FROM "idempotency_records" WHERE "key" IN (
        SELECT "key" FROM "idempotency_records" WHERE "expires_at" <= ${now} LIMIT ${batch})`;
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
