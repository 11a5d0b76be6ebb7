import { randomBytes } from 'node:crypto';
import { redisKey } from '../../../services/vault/src/storage/redis-keys.ts';
import type { Claim, ClaimOutcome, RetryCopy, StoredToken, TokenStore } from '../../../services/vault/src/payment-tokens/token-store.ts';
import type { InMemoryRedis } from './in-memory-redis.ts';

const tokenKey = (tokenHash: string) => redisKey('token', tokenHash);
const markerKey = (tokenHash: string) => redisKey('token', tokenHash, 'claim');
const retryKey = (tokenHash: string) => redisKey('token', tokenHash, 'released');

/**
 * The token store over in-memory Redis, step for step what `RedisTokenStore` and its scripts do: the token kept as
 * JSON until its `expiresAt`; a claim that finds it for another processor leaves it, otherwise takes it and leaves
 * a marker (60 s) with the claim's id; a put-back restores it only while the marker holds that id, and spends it;
 * a released token's copy is kept for a retry until the instant given.
 */
export class InMemoryTokenStore implements TokenStore {
  constructor(private readonly redis: InMemoryRedis) {}

  async save(tokenHash: string, token: StoredToken): Promise<void> {
    if (!this.redis.set(tokenKey(tokenHash), JSON.stringify(token), { expiresAt: new Date(token.expiresAt).getTime(), nx: true })) {
      throw new Error('token collision');
    }
  }

  async claim(tokenHash: string, processorId: string): Promise<ClaimOutcome> {
    const value = this.redis.get(tokenKey(tokenHash));
    if (value === null) return { kind: 'not_found' };
    const token = JSON.parse(value) as StoredToken;
    if (token.processorId !== processorId) return { kind: 'wrong_processor', token };
    const claim: Claim = { tokenHash, claimId: randomBytes(12).toString('base64url') };
    this.redis.del(tokenKey(tokenHash));
    this.redis.set(markerKey(tokenHash), claim.claimId, { expiresAt: this.redis.clock.nowMs() + 60_000 });
    return { kind: 'claimed', token, claim };
  }

  async putBack(claim: Claim, token: StoredToken): Promise<void> {
    const expiresAt = new Date(token.expiresAt).getTime();
    if (expiresAt <= this.redis.clock.nowMs()) return;
    if (this.redis.get(markerKey(claim.tokenHash)) !== claim.claimId) return;
    this.redis.del(markerKey(claim.tokenHash));
    this.redis.set(tokenKey(claim.tokenHash), JSON.stringify(token), { expiresAt, nx: true });
  }

  async keepForRetry(tokenHash: string, copy: RetryCopy, untilMs: number): Promise<void> {
    if (untilMs > this.redis.clock.nowMs()) this.redis.set(retryKey(tokenHash), JSON.stringify(copy), { expiresAt: untilMs });
  }

  async retryCopy(tokenHash: string): Promise<RetryCopy | null> {
    const value = this.redis.get(retryKey(tokenHash));
    return value === null ? null : (JSON.parse(value) as RetryCopy);
  }
}
