import type { Envelope } from '../crypto/envelope.ts';
import type { KeyedDigest } from '../crypto/keyed-digest.ts';
import { redisKey } from '../storage/redis-keys.ts';
import type { Redis } from '../storage/redis.ts';

/** How long a record of an ordinary write is kept; records of token issues and card-entry sessions live less. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export interface StoredResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export type IdempotencyStart =
  | { readonly kind: 'first'; readonly key: string }
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  | { readonly kind: 'conflict' };

interface Entry {
  readonly request: string;
  readonly state: 'pending' | 'done';
  readonly response?: string;
}

/**
 * Idempotency records in Redis for their scope's lifetime (24 h, or the token's or session's life), scoped to
 * the caller. A key is claimed atomically (SET NX); the
 * request is remembered only as a keyed digest (it may hold a CVC), the response only encrypted (it may hold
 * a payment token), so Redis holds nothing usable on its own.
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly digest: KeyedDigest,
    private readonly envelope: Envelope,
  ) {}

  async start(scope: string, idempotencyKey: string, request: string, ttlSeconds: number): Promise<IdempotencyStart> {
    const key = redisKey('idem', this.digest.digest(scope, idempotencyKey));
    const requestDigest = this.digest.digest(request);
    const claimed = await this.redis.set(key, JSON.stringify({ request: requestDigest, state: 'pending' } satisfies Entry), 'EX', ttlSeconds, 'NX');
    if (claimed === 'OK') return { kind: 'first', key };
    const existing = await this.redis.get(key);
    if (!existing) return this.start(scope, idempotencyKey, request, ttlSeconds);
    const entry = JSON.parse(existing) as Entry;
    if (entry.request !== requestDigest || entry.state !== 'done' || !entry.response) return { kind: 'conflict' };
    const plaintext = await this.envelope.decrypt(Buffer.from(entry.response, 'base64'), { purpose: 'idempotency', record: key });
    return { kind: 'replay', response: JSON.parse(Buffer.from(plaintext).toString('utf8')) as StoredResponse };
  }

  async complete(key: string, request: string, response: StoredResponse, ttlSeconds: number): Promise<void> {
    const sealed = await this.envelope.encrypt(Buffer.from(JSON.stringify(response), 'utf8'), { purpose: 'idempotency', record: key });
    const entry: Entry = { request: this.digest.digest(request), state: 'done', response: Buffer.from(sealed.ciphertext).toString('base64') };
    await this.redis.set(key, JSON.stringify(entry), 'EX', ttlSeconds);
  }

  /** A failed first attempt (5xx) releases the key so the caller can retry. */
  async release(key: string): Promise<void> {
    await this.redis.del(key);
  }
}
