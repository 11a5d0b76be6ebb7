import { randomBytes } from 'node:crypto';
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
  /** Revocation epochs at issue time, by scope (`epochKey`). */
  readonly epochs: Readonly<Record<string, string>>;
}

/** A token taken out of Redis by one redeem: what a put-back needs to restore it, at most once. */
export interface Claim {
  readonly tokenHash: string;
  readonly claimId: string;
}

export type ClaimOutcome =
  | { readonly kind: 'claimed'; readonly token: StoredToken; readonly claim: Claim }
  | { readonly kind: 'wrong_processor'; readonly token: StoredToken }
  | { readonly kind: 'not_found' };

/** A released token kept for its processor's retry: only for the retry window, never past the token's expiry. */
export interface RetryCopy {
  readonly token: StoredToken;
  readonly redemptionId: string;
}

/**
 * Redis is the fast carrier of tokens, not the memory of single use: that is the `token_redemptions` row the
 * redeem commits (Redis replication is asynchronous; a promoted replica may hand out a token whose claim its master
 * had acknowledged). So the store only moves tokens: save, claim, put back, and keep a released one for a retry.
 *
 * CLAIM takes the token — still there, this processor's (if not: leave it, so the right processor can still
 * redeem) — and leaves a marker beside it (same hash slot, 60 s) holding this claim's random id. PUT_BACK restores
 * a claimed token only while the marker still holds its own id, and spends the marker: a put-back that lands late
 * (after its deadline, after a retry claimed the token again and replaced the marker) restores nothing.
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

const PUT_BACK = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2])
redis.call('SET', KEYS[1], ARGV[2], 'PX', tonumber(ARGV[3]), 'NX')
return 1
`;

export interface TokenStore {
  /** Stores the token until its `expiresAt` (an instant, not a duration from now). */
  save(tokenHash: string, token: StoredToken): Promise<void>;
  /** Takes the token for this processor (see CLAIM). */
  claim(tokenHash: string, processorId: string): Promise<ClaimOutcome>;
  /** Puts a claimed token back (until its expiry), at most once and never after another claim; retried a few times in the background if Redis fails. */
  putBack(claim: Claim, token: StoredToken): Promise<void>;
  /** Keeps a released token for its processor's retry until `untilMs` (epoch ms). */
  keepForRetry(tokenHash: string, copy: RetryCopy, untilMs: number): Promise<void>;
  /** The released token kept for a retry, if its window is still open. */
  retryCopy(tokenHash: string): Promise<RetryCopy | null>;
}

type ClaimReply = Promise<[number, string?]>;
type RedisWithClaims = Redis & {
  vaultClaimToken(key: string, marker: string, processorId: string, claimId: string): ClaimReply;
  vaultPutBackToken(key: string, marker: string, claimId: string, value: string, ms: number): Promise<number>;
};

const tokenKey = (tokenHash: string) => redisKey('token', tokenHash);
const markerKey = (tokenHash: string) => redisKey('token', tokenHash, 'claim');
const retryKey = (tokenHash: string) => redisKey('token', tokenHash, 'released');

export class RedisTokenStore implements TokenStore {
  private readonly redis: RedisWithClaims;
  constructor(redis: Redis) {
    if (!('vaultClaimToken' in redis)) redis.defineCommand('vaultClaimToken', { numberOfKeys: 2, lua: CLAIM });
    if (!('vaultPutBackToken' in redis)) redis.defineCommand('vaultPutBackToken', { numberOfKeys: 2, lua: PUT_BACK });
    this.redis = redis as RedisWithClaims;
  }

  async save(tokenHash: string, token: StoredToken): Promise<void> {
    const ok = await withinDeadline(this.redis.set(tokenKey(tokenHash), JSON.stringify(token), 'PXAT', new Date(token.expiresAt).getTime(), 'NX'));
    if (ok !== 'OK') throw new Error('token collision');
  }

  async claim(tokenHash: string, processorId: string): Promise<ClaimOutcome> {
    const claim: Claim = { tokenHash, claimId: randomBytes(12).toString('base64url') };
    const [code, value] = await withinDeadline(this.redis.vaultClaimToken(tokenKey(tokenHash), markerKey(tokenHash), processorId, claim.claimId));
    if (code === 0 || !value) return { kind: 'not_found' };
    const token = JSON.parse(value) as StoredToken;
    return code === 1 ? { kind: 'claimed', token, claim } : { kind: 'wrong_processor', token };
  }

  async putBack(claim: Claim, token: StoredToken): Promise<void> {
    try {
      await this.putBackOnce(claim, token);
    } catch (err) {
      this.putBackLater(claim, token, 10);
      throw err;
    }
  }

  private async putBackOnce(claim: Claim, token: StoredToken): Promise<void> {
    const ms = new Date(token.expiresAt).getTime() - Date.now();
    if (ms > 0) await withinDeadline(this.redis.vaultPutBackToken(tokenKey(claim.tokenHash), markerKey(claim.tokenHash), claim.claimId, JSON.stringify(token), ms));
  }

  /** Tries the put-back again while Redis fails over (a few times, 200 ms apart): safe to repeat, see PUT_BACK. */
  private putBackLater(claim: Claim, token: StoredToken, tries: number): void {
    if (tries <= 0) return;
    setTimeout(() => void this.putBackOnce(claim, token).catch(() => this.putBackLater(claim, token, tries - 1)), 200).unref();
  }

  async keepForRetry(tokenHash: string, copy: RetryCopy, untilMs: number): Promise<void> {
    if (untilMs > Date.now()) await withinDeadline(this.redis.set(retryKey(tokenHash), JSON.stringify(copy), 'PXAT', untilMs));
  }

  async retryCopy(tokenHash: string): Promise<RetryCopy | null> {
    const value = await withinDeadline(this.redis.get(retryKey(tokenHash)));
    return value ? (JSON.parse(value) as RetryCopy) : null;
  }
}
