import type { IdempotencyRecord, IdempotencyRecordRepository } from '../../../services/vault/src/idempotency/idempotency-record-repository.ts';
import { recordNotFound, type Binding } from './in-memory-tables.ts';

/**
 * `idempotency_records` in memory. A reservation is a row with status 0 (never found); a live row (expiring
 * after `now`) blocks another reservation of its key, an expired one is replaced. Two transactions claiming
 * one key cannot interleave: the unit of work runs one transaction at a time.
 */
export class InMemoryIdempotencyRecordRepository implements IdempotencyRecordRepository {
  constructor(private readonly b: Binding) {}

  async find(key: string, now: Date): Promise<IdempotencyRecord | null> {
    const row = this.b.db.idempotencyRecords.get(key);
    if (!row || !(row.expiresAt > now) || row.status <= 0) return null;
    return { requestDigest: row.requestDigest, status: row.status, contentType: row.contentType, response: new Uint8Array(row.response), keyVersion: row.keyVersion };
  }

  async reserve(key: string, requestDigest: string, expiresAt: Date, now: Date): Promise<boolean> {
    const row = this.b.db.idempotencyRecords.get(key);
    if (row && row.expiresAt > now) return false;
    this.b.db.idempotencyRecords.put(key, { key, requestDigest, status: 0, contentType: '', response: new Uint8Array(), keyVersion: '', expiresAt }, this.b.journal);
    return true;
  }

  async fill(key: string, outcome: Omit<IdempotencyRecord, 'requestDigest'>): Promise<void> {
    const row = this.b.db.idempotencyRecords.get(key);
    if (!row) throw recordNotFound(`idempotency_records ${key}`);
    this.b.db.idempotencyRecords.put(key, { ...row, ...outcome, response: new Uint8Array(outcome.response) }, this.b.journal);
  }

  async purgeExpired(now: Date, batch = 1_000): Promise<number> {
    const expired = this.b.db.idempotencyRecords.rows().filter((r) => r.expiresAt <= now).slice(0, batch);
    for (const r of expired) this.b.db.idempotencyRecords.delete(r.key, this.b.journal);
    return expired.length;
  }
}
