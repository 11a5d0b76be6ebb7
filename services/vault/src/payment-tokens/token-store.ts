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
 * One atomic step: look the token up, check it was issued to this processor (if not: leave it, so the right
 * processor can still redeem), check no revocation epoch moved (if one did: delete it), and delete it.
 * Single-threaded Redis makes "exactly one redeem wins" hold across every vault instance.
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

export interface TokenStore {
  /** Stores the token until its `expiresAt` (an instant, not a duration from now). */
  save(tokenHash: string, token: StoredToken): Promise<void>;
  redeem(tokenHash: string, processorId: string): Promise<RedeemOutcome>;
  /** Puts a redeemed token back (until its expiry) when the redemption could not be completed. */
  restore(tokenHash: string, token: StoredToken): Promise<void>;
}

type RedisWithRedeem = Redis & { vaultRedeemToken(key: string, processorId: string): Promise<[number, string?]> };

export class RedisTokenStore implements TokenStore {
  private readonly redis: RedisWithRedeem;
  constructor(redis: Redis) {
    if (!('vaultRedeemToken' in redis)) redis.defineCommand('vaultRedeemToken', { numberOfKeys: 1, lua: REDEEM });
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

  async redeem(tokenHash: string, processorId: string): Promise<RedeemOutcome> {
    const [code, value] = await withinDeadline(this.redis.vaultRedeemToken(redisKey('token', tokenHash), processorId));
    if (code === 0 || !value) return { kind: 'not_found' };
    const token = JSON.parse(value) as StoredToken;
    if (code === 1) return { kind: 'redeemed', token };
    return code === -1 ? { kind: 'wrong_processor', token } : { kind: 'revoked', token };
  }
}
