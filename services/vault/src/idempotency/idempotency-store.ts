import { randomBytes } from 'node:crypto';
import type { Envelope } from '../crypto/envelope.ts';
import type { KeyedDigest } from '../crypto/keyed-digest.ts';
import { redisKey } from '../storage/redis-keys.ts';
import { withinDeadline, type Redis } from '../storage/redis.ts';

/** How long a record of an ordinary write is kept; records of token issues and card-entry sessions live less. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/**
 * How long a claim on a key lives while its first request runs: seconds, not the record's life — longer than
 * any request can run (its database work is bounded by a 10 s transaction timeout, each Redis call by 1 s), so
 * a claim never lapses under a request still running. A claim nobody completes or releases lives this long.
 */
export const PENDING_TTL_SECONDS = 30;

export interface StoredResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** A claim on a key: `claim` tells this request's claim from a later one on the same key. */
export interface IdempotencyClaim {
  readonly key: string;
  readonly claim: string;
}

export type IdempotencyStart =
  | ({ readonly kind: 'first' } & IdempotencyClaim)
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  | { readonly kind: 'conflict' };

interface Entry {
  readonly request: string;
  readonly state: 'pending' | 'done';
  readonly claim?: string;
  readonly response?: string;
}

/** Stores the record only if the key still holds this request's claim, or nothing (the claim lapsed). */
const COMPLETE = `
local v = redis.call('GET', KEYS[1])
if v then
  local e = cjson.decode(v)
  if e.state ~= 'pending' or e.claim ~= ARGV[1] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
return 1
`;

/** Deletes the key only while it still holds this request's pending claim. */
const RELEASE = `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local e = cjson.decode(v)
if e.state == 'pending' and e.claim == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type RedisWithRelease = Redis & {
  vaultReleaseClaim(key: string, claim: string): Promise<number>;
  vaultCompleteClaim(key: string, claim: string, entry: string, ttlSeconds: number): Promise<number>;
};

/**
 * Idempotency records in Redis for their scope's lifetime (24 h, or the token's or session's life), scoped to
 * the caller. A key is claimed atomically (SET NX) for seconds; the request is remembered only as a keyed digest
 * (it may hold a CVC), the response only encrypted (it may hold a payment token), so Redis holds nothing usable
 * on its own. A claim is released only by the request that made it (compare-and-delete), and a claim whose
 * confirmation timed out is released as soon as Redis answers again — commands on one connection run in order,
 * so the release lands right after the late claim.
 */
export class IdempotencyStore {
  private readonly redis: RedisWithRelease;
  constructor(
    redis: Redis,
    private readonly digest: KeyedDigest,
    private readonly envelope: Envelope,
  ) {
    if (!('vaultReleaseClaim' in redis)) redis.defineCommand('vaultReleaseClaim', { numberOfKeys: 1, lua: RELEASE });
    if (!('vaultCompleteClaim' in redis)) redis.defineCommand('vaultCompleteClaim', { numberOfKeys: 1, lua: COMPLETE });
    this.redis = redis as RedisWithRelease;
  }

  async start(scope: string, idempotencyKey: string, request: string, ttlSeconds: number): Promise<IdempotencyStart> {
    const key = redisKey('idem', this.digest.digest(scope, idempotencyKey));
    const requestDigest = this.digest.digest(request);
    const claim = randomBytes(12).toString('base64url');
    const pending: Entry = { request: requestDigest, state: 'pending', claim };
    let claimed;
    try {
      claimed = await withinDeadline(this.redis.set(key, JSON.stringify(pending), 'EX', Math.min(PENDING_TTL_SECONDS, ttlSeconds), 'NX'));
    } catch (err) {
      this.releaseWhenReachable({ key, claim });
      throw err;
    }
    if (claimed === 'OK') return { kind: 'first', key, claim };
    const existing = await withinDeadline(this.redis.get(key));
    if (!existing) return this.start(scope, idempotencyKey, request, ttlSeconds);
    const entry = JSON.parse(existing) as Entry;
    if (entry.request !== requestDigest || entry.state !== 'done' || !entry.response) return { kind: 'conflict' };
    const plaintext = await this.envelope.decrypt(Buffer.from(entry.response, 'base64'), { purpose: 'idempotency', record: key });
    return { kind: 'replay', response: JSON.parse(Buffer.from(plaintext).toString('utf8')) as StoredResponse };
  }

  async complete(claim: IdempotencyClaim, request: string, response: StoredResponse, ttlSeconds: number): Promise<void> {
    const sealed = await this.envelope.encrypt(Buffer.from(JSON.stringify(response), 'utf8'), { purpose: 'idempotency', record: claim.key });
    const entry: Entry = { request: this.digest.digest(request), state: 'done', response: Buffer.from(sealed.ciphertext).toString('base64') };
    // Compare-and-set: a claim that lapsed and was taken by another request is never overwritten.
    await withinDeadline(this.redis.vaultCompleteClaim(claim.key, claim.claim, JSON.stringify(entry), ttlSeconds));
  }

  /**
   * Releases the claim (a failed first attempt, a 5xx, a client gone) so the caller can retry, whenever Redis
   * next answers: no deadline, it is queued behind the claim itself.
   */
  releaseWhenReachable(claim: IdempotencyClaim): void {
    this.redis.vaultReleaseClaim(claim.key, claim.claim).catch(() => {});
  }
}
