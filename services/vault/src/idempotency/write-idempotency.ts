import type { Envelope } from '../crypto/envelope.ts';
import type { KeyedDigest } from '../crypto/keyed-digest.ts';
import type { IdempotencyRecordRepository } from './idempotency-record-repository.ts';
import type { StoredResponse } from './idempotency-store.ts';
import { outcomeContext, RecordedWriteOutcome, type WriteOutcome, type WriteOutcomeTarget } from './write-outcome.ts';

export type WriteLookup =
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  | { readonly kind: 'conflict' }
  | { readonly kind: 'none' };

/**
 * Idempotency for requests that write to PostgreSQL: the record lives in PostgreSQL and commits with the write
 * (see `WriteOutcome`). Before running a request, `lookup` finds a committed outcome under the same key: the
 * same request gets it again; another request under that key gets a conflict.
 */
export class WriteIdempotency {
  constructor(
    private readonly digest: KeyedDigest,
    private readonly envelope: Envelope,
    private readonly records: IdempotencyRecordRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  target(scope: string, idempotencyKey: string, request: string, ttlSeconds: number): WriteOutcomeTarget {
    return {
      key: this.digest.digest('write', scope, idempotencyKey),
      requestDigest: this.digest.digest(request),
      expiresAt: new Date(this.now().getTime() + ttlSeconds * 1000),
    };
  }

  async lookup(target: WriteOutcomeTarget): Promise<WriteLookup> {
    const found = await this.records.find(target.key, this.now());
    if (!found) return { kind: 'none' };
    if (found.requestDigest !== target.requestDigest) return { kind: 'conflict' };
    const body = Buffer.from(await this.envelope.decrypt(found.response, outcomeContext(target.key))).toString('utf8');
    return { kind: 'replay', response: { status: found.status, contentType: found.contentType, body } };
  }

  outcome<T>(target: WriteOutcomeTarget, statusOf: (result: T) => number): WriteOutcome<T> {
    return new RecordedWriteOutcome(target, this.envelope, statusOf, this.now);
  }
}
