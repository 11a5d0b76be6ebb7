import { randomBytes } from 'node:crypto';
import { defineEpochReads, readEpochKeys } from '../payment-policy/revocation-epochs.ts';
import { redisKey } from '../storage/redis-keys.ts';
import { withinDeadline, type Redis } from '../storage/redis.ts';
import type { Invoice } from './payment-token-input.ts';

/** What Redis holds for a token: nothing that opens without the processor's private key. */
export interface StoredToken {
  readonly tokenId: string;
  readonly processorId: string;
  readonly tenantId: string;
  readonly groupId: string | null;
  readonly userId: string;
  readonly cardId: string;
  readonly kid: string;
  readonly jwe: string;
  readonly invoice: Invoice;
  readonly expiresAt: string;
  /** A payment session claimed the invoice for this token (`invoice_payments`): the redeem marks it paid. */
  readonly invoiceClaimed?: true;
  /** Revocation epochs at issue time, by epoch key. */
  readonly epochs: Readonly<Record<string, string>>;
}

export type RedeemOutcome =
  | { readonly kind: 'redeemed'; readonly token: StoredToken }
  | { readonly kind: 'wrong_processor'; readonly token: StoredToken }
  | { readonly kind: 'revoked'; readonly token: StoredToken }
  | { readonly kind: 'not_found' };

/**
 * Standalone Redis (every key on one server): one atomic step — look the token up, check it was issued to this
 * processor (if not: leave it, so the right processor can still redeem), check no revocation epoch moved (if one
 * did: delete it), and delete it. Single-threaded Redis makes "exactly one redeem wins" hold across every vault
 * instance, and a bump either lands before the whole step or after it.
 */
const REDEEM = `
local v = redis.call('GET', KEYS[1])
if not v then return {0} end
local t = cjson.decode(v)
if t.processorId ~= ARGV[1] then return {-1, v} end
for k, e in pairs(t.epochs) do
  local current = redis.call('GET', k) or '0'
  if current ~= e then
    redis.call('DEL', KEYS[1])
    return {-2, v}
  end
end
redis.call('DEL', KEYS[1])
return {1, v}
`;

/**
 * Redis Cluster: the epochs live in other hash slots (the tenant's, the processor's) and a script may touch
 * keys of one slot only, so the step is split, and ordered so a shard failing over costs a retry, not a token:
 *   1. GET the token; 2. read its epochs (nothing changed yet: a failure here is a clean 503);
 *   3. CLAIM — this script: still there, this processor's, delete it (exactly one redeem wins);
 *   4. read the epochs again: a bump that landed between 2 and 3 still revokes (as strict as the one script).
 * Only a failure of step 4 leaves a claimed, unchecked token: it is put back and the request answers 503. The
 * claim leaves a marker beside the token (same slot, 60 s) holding this claim's random id, and only a put-back
 * that still finds its own id there restores the token — once: a put-back that lands late (after its deadline,
 * after the processor's retry redeemed the token and a new claim replaced the marker) restores nothing, so a
 * token is never redeemed twice.
 */
const CLAIM = `
local v = redis.call('GET', KEYS[1])
if not v then return {0} end
local t = cjson.decode(v)
if t.processorId ~= ARGV[1] then return {-1, v} end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], ARGV[2], 'PX', 60000)
return {1, v}
`;

/** Puts a claimed token back only while the marker still holds this claim's id, and spends the marker. */
const PUT_BACK = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2])
redis.call('SET', KEYS[1], ARGV[2], 'PX', tonumber(ARGV[3]), 'NX')
return 1
`;

export interface TokenStore {
  /** Stores the token until its `expiresAt` (an instant, not a duration from now). */
  save(tokenHash: string, token: StoredToken): Promise<void>;
  redeem(tokenHash: string, processorId: string): Promise<RedeemOutcome>;
  /** Puts a redeemed token back (until its expiry) when the redemption could not be completed. */
  restore(tokenHash: string, token: StoredToken): Promise<void>;
}

type RedeemReply = Promise<[number, string?]>;
type RedisWithRedeem = Redis & {
  vaultRedeemToken(key: string, processorId: string): RedeemReply;
  vaultClaimToken(key: string, marker: string, processorId: string, claimId: string): RedeemReply;
  vaultPutBackToken(key: string, marker: string, claimId: string, value: string, ms: number): Promise<number>;
};

/** A cluster claim: the token's key, its marker beside it, and this claim's random id. */
interface Claim {
  readonly key: string;
  readonly marker: string;
  readonly claimId: string;
}

const moved = (token: StoredToken, current: Readonly<Record<string, string>>) => Object.entries(token.epochs).some(([key, epoch]) => (current[key] ?? '0') !== epoch);

export class RedisTokenStore implements TokenStore {
  private readonly redis: RedisWithRedeem;
  constructor(redis: Redis) {
    if (!('vaultRedeemToken' in redis)) redis.defineCommand('vaultRedeemToken', { numberOfKeys: 1, lua: REDEEM });
    if (!('vaultClaimToken' in redis)) redis.defineCommand('vaultClaimToken', { numberOfKeys: 2, lua: CLAIM });
    if (!('vaultPutBackToken' in redis)) redis.defineCommand('vaultPutBackToken', { numberOfKeys: 2, lua: PUT_BACK });
    defineEpochReads(redis);
    this.redis = redis as RedisWithRedeem;
  }

  async save(tokenHash: string, token: StoredToken): Promise<void> {
    const ok = await withinDeadline(this.redis.set(redisKey('token', tokenHash), JSON.stringify(token), 'PXAT', new Date(token.expiresAt).getTime(), 'NX'));
    if (ok !== 'OK') throw new Error('token collision');
  }

  async restore(tokenHash: string, token: StoredToken): Promise<void> {
    const ms = new Date(token.expiresAt).getTime() - Date.now();
    if (ms > 0) await withinDeadline(this.redis.set(redisKey('token', tokenHash), JSON.stringify(token), 'PX', ms, 'NX'));
  }

  /** The cluster path's put-back: by claim id, so it restores at most once and never after another claim. */
  private async putBack(claim: Claim, token: StoredToken): Promise<void> {
    const ms = new Date(token.expiresAt).getTime() - Date.now();
    if (ms > 0) await withinDeadline(this.redis.vaultPutBackToken(claim.key, claim.marker, claim.claimId, JSON.stringify(token), ms));
  }

  /** Tries the put-back again while a shard fails over (a few times, 200 ms apart): safe to repeat, see PUT_BACK. */
  private putBackLater(claim: Claim, token: StoredToken, tries: number): void {
    if (tries <= 0) return;
    setTimeout(() => void this.putBack(claim, token).catch(() => this.putBackLater(claim, token, tries - 1)), 200).unref();
  }

  redeem(tokenHash: string, processorId: string): Promise<RedeemOutcome> {
    return this.redis.isCluster ? this.redeemOnCluster(tokenHash, processorId) : this.redeemAtomically(tokenHash, processorId);
  }

  private async redeemAtomically(tokenHash: string, processorId: string): Promise<RedeemOutcome> {
    const [code, value] = await withinDeadline(this.redis.vaultRedeemToken(redisKey('token', tokenHash), processorId));
    if (code === 0 || !value) return { kind: 'not_found' };
    const token = JSON.parse(value) as StoredToken;
    if (code === 1) return { kind: 'redeemed', token };
    return code === -1 ? { kind: 'wrong_processor', token } : { kind: 'revoked', token };
  }

  private async redeemOnCluster(tokenHash: string, processorId: string): Promise<RedeemOutcome> {
    const key = redisKey('token', tokenHash);
    const seen = await withinDeadline(this.redis.get(key));
    if (!seen) return { kind: 'not_found' };
    const before = JSON.parse(seen) as StoredToken;
    if (before.processorId !== processorId) return { kind: 'wrong_processor', token: before };
    await readEpochKeys(this.redis, Object.keys(before.epochs)); // a failure here leaves the token as it was
    const claim: Claim = { key, marker: redisKey('token', tokenHash, 'claim'), claimId: randomBytes(12).toString('base64url') };
    const [code, value] = await withinDeadline(this.redis.vaultClaimToken(claim.key, claim.marker, processorId, claim.claimId));
    if (code === 0 || !value) return { kind: 'not_found' }; // redeemed by a concurrent call in between
    const token = JSON.parse(value) as StoredToken;
    if (code === -1) return { kind: 'wrong_processor', token };
    let current: Record<string, string>;
    try {
      current = await readEpochKeys(this.redis, Object.keys(token.epochs));
    } catch (err) {
      // Claimed but not checked: put it back for the processor's retry (by claim id: at most once, never after
      // another claim); if it cannot be put back, the retry answers 404 — never a second redemption.
      await this.putBack(claim, token).catch(() => this.putBackLater(claim, token, 10));
      throw err;
    }
    return moved(token, current) ? { kind: 'revoked', token } : { kind: 'redeemed', token };
  }
}
