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
 * Only a failure of step 4 leaves a claimed, unchecked token: it is put back (now, or shortly, NX) and the
 * request answers 503.
 */
const CLAIM = `
local v = redis.call('GET', KEYS[1])
if not v then return {0} end
local t = cjson.decode(v)
if t.processorId ~= ARGV[1] then return {-1, v} end
redis.call('DEL', KEYS[1])
return {1, v}
`;

export interface TokenStore {
  /** Stores the token until its `expiresAt` (an instant, not a duration from now). */
  save(tokenHash: string, token: StoredToken): Promise<void>;
  redeem(tokenHash: string, processorId: string): Promise<RedeemOutcome>;
  /** Puts a redeemed token back (until its expiry) when the redemption could not be completed. */
  restore(tokenHash: string, token: StoredToken): Promise<void>;
}

type RedeemReply = Promise<[number, string?]>;
type RedisWithRedeem = Redis & { vaultRedeemToken(key: string, processorId: string): RedeemReply; vaultClaimToken(key: string, processorId: string): RedeemReply };

const moved = (token: StoredToken, current: Readonly<Record<string, string>>) => Object.entries(token.epochs).some(([key, epoch]) => (current[key] ?? '0') !== epoch);

export class RedisTokenStore implements TokenStore {
  private readonly redis: RedisWithRedeem;
  constructor(redis: Redis) {
    if (!('vaultRedeemToken' in redis)) redis.defineCommand('vaultRedeemToken', { numberOfKeys: 1, lua: REDEEM });
    if (!('vaultClaimToken' in redis)) redis.defineCommand('vaultClaimToken', { numberOfKeys: 1, lua: CLAIM });
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

  private restoreLater(tokenHash: string, token: StoredToken, tries: number): void {
    if (tries <= 0) return;
    setTimeout(() => void this.restore(tokenHash, token).catch(() => this.restoreLater(tokenHash, token, tries - 1)), 200).unref();
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
    const [code, value] = await withinDeadline(this.redis.vaultClaimToken(key, processorId));
    if (code === 0 || !value) return { kind: 'not_found' }; // redeemed by a concurrent call in between
    const token = JSON.parse(value) as StoredToken;
    if (code === -1) return { kind: 'wrong_processor', token };
    let current: Record<string, string>;
    try {
      current = await readEpochKeys(this.redis, Object.keys(token.epochs));
    } catch (err) {
      // Claimed but not checked: put it back for the processor's retry (NX never overwrites); if it cannot be
      // put back, the retry answers 404 — never a second redemption.
      await this.restore(tokenHash, token).catch(() => this.restoreLater(tokenHash, token, 10));
      throw err;
    }
    return moved(token, current) ? { kind: 'revoked', token } : { kind: 'redeemed', token };
  }
}
