import type { EncryptionContext, Envelope } from '../crypto/envelope.ts';
import { encryptionContext, type EncryptedRecordType } from '../encrypted-records/encrypted-record-type.ts';
import { ClientError } from '../errors/vault-error.ts';
import type { IdempotencyRecordRepository } from './idempotency-record-repository.ts';

/**
 * The outcome of one idempotent database write, remembered in the write's own transaction: `reserve` first
 * (a concurrent request with the same key waits, then finds the key taken: 409 and its transaction rolls
 * back), `record` last, with the result the caller will be sent. The write, its audit event and its record
 * commit together or not at all, so a client told 503 can always ask again with the same key.
 */
export interface WriteOutcome<T> {
  reserve(repos: { readonly idempotency: IdempotencyRecordRepository }): Promise<void>;
  record(repos: { readonly idempotency: IdempotencyRecordRepository }, result: T): Promise<void>;
}

export interface WriteOutcomeTarget {
  /** HMAC of the caller's scope and Idempotency-Key. */
  readonly key: string;
  /** HMAC of the request (method, path, body). */
  readonly requestDigest: string;
  readonly expiresAt: Date;
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Remembered responses: sealed in `response`, bound to the record key. A reservation (status 0) holds no
 * ciphertext, and an expired record is never read again (it is purged within a minute): only filled, unexpired
 * rows are rotated and keep a key from being retired.
 */
export const IDEMPOTENCY_OUTCOME_RECORDS: EncryptedRecordType = {
  name: 'idempotencyRecords',
  table: 'idempotency_records',
  idColumn: 'key',
  ciphertextColumn: 'response',
  keyVersionColumn: 'key_version',
  rowVersionColumn: null,
  updatedAtColumn: null,
  purpose: 'idempotency',
  contextColumns: { record: 'key' },
  holdsCiphertextWhere: `"status" > 0 AND "expires_at" > now()`,
};

/** Encryption context of a remembered response: bound to its record key. */
export function outcomeContext(key: string): EncryptionContext {
  return encryptionContext(IDEMPOTENCY_OUTCOME_RECORDS, { key });
}

/** A WriteOutcome that stores the result as a JSON response with `statusOf(result)`, ESDK-encrypted. */
export class RecordedWriteOutcome<T> implements WriteOutcome<T> {
  constructor(
    private readonly target: WriteOutcomeTarget,
    private readonly envelope: Envelope,
    private readonly statusOf: (result: T) => number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async reserve(repos: { readonly idempotency: IdempotencyRecordRepository }): Promise<void> {
    const { key, requestDigest, expiresAt } = this.target;
    /* Precondition: one write per key; the loser of a race rolls back and is told to ask again. */
    if (!(await repos.idempotency.reserve(key, requestDigest, expiresAt, this.now()))) throw new ClientError('idempotency_key_reused');
  }

  async record(repos: { readonly idempotency: IdempotencyRecordRepository }, result: T): Promise<void> {
    const body = JSON.stringify(result);
    const sealed = await this.envelope.encrypt(Buffer.from(body, 'utf8'), outcomeContext(this.target.key));
    await repos.idempotency.fill(this.target.key, { status: this.statusOf(result), contentType: JSON_CONTENT_TYPE, response: sealed.ciphertext, keyVersion: sealed.keyVersion });
  }
}
