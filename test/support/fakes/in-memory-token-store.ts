import { redisKey } from '../../../services/vault/src/storage/redis-keys.ts';
import type { RedeemOutcome, StoredToken, TokenStore } from '../../../services/vault/src/payment-tokens/token-store.ts';
import type { InMemoryRedis } from './in-memory-redis.ts';

/**
 * The token store over in-memory Redis, step for step what `RedisTokenStore` and its Lua script do: the token
 * kept as JSON until its `expiresAt`; a redeem that finds it for another processor leaves it; one whose
 * recorded epochs no longer match the current ones (read from the same key/value state, "0" when absent)
 * deletes it and says `revoked`; otherwise deletes it and hands it over.
 */
export class InMemoryTokenStore implements TokenStore {
  constructor(private readonly redis: InMemoryRedis) {}

  async save(tokenHash: string, token: StoredToken): Promise<void> {
    if (!this.redis.set(redisKey('token', tokenHash), JSON.stringify(token), { expiresAt: new Date(token.expiresAt).getTime(), nx: true })) {
      throw new Error('token collision');
    }
  }

  async restore(tokenHash: string, token: StoredToken): Promise<void> {
    const expiresAt = new Date(token.expiresAt).getTime();
    if (expiresAt > this.redis.clock.nowMs()) this.redis.set(redisKey('token', tokenHash), JSON.stringify(token), { expiresAt, nx: true });
  }

  async redeem(tokenHash: string, processorId: string): Promise<RedeemOutcome> {
    const key = redisKey('token', tokenHash);
    const value = this.redis.get(key);
    if (value === null) return { kind: 'not_found' };
    const token = JSON.parse(value) as StoredToken;
    if (token.processorId !== processorId) return { kind: 'wrong_processor', token };
    this.redis.del(key);
    const moved = Object.entries(token.epochs).some(([epochKey, recorded]) => (this.redis.get(epochKey) ?? '0') !== recorded);
    return moved ? { kind: 'revoked', token } : { kind: 'redeemed', token };
  }
}
