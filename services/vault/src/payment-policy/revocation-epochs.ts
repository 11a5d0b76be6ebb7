import { bySlot, redisKey } from '../storage/redis-keys.ts';
import { defineScript, runScript, withinDeadline, type Redis } from '../storage/redis.ts';

/**
 * Revocation by epoch: every token records, when issued, the epoch of its tenant, its group, its card and its
 * processor. Bumping an epoch (switching payments off, deleting a card, disabling a processor or removing one of
 * its keys) makes every token issued before unredeemable in one O(1) write, whichever vault instance issued
 * them; redemption compares epochs atomically.
 *
 * Epoch keys expire once no token that could read them is alive: a bump keeps its key at least the longest
 * token life any instance may be configured with (900 s) plus a grace, and an issue that records a key's value
 * extends that key the same way; a token expires at an instant fixed before its epochs are read. A token
 * therefore never outlives the value it recorded, and a vanished key reads "0" only when every token that
 * could have recorded a newer value is gone — also while instances with different token lifetimes run side by
 * side. (Redis must not evict keys: `maxmemory-policy noeviction`; see README.)
 */
export type EpochScope =
  | { readonly kind: 'tenant'; readonly tenantId: string }
  | { readonly kind: 'group'; readonly tenantId: string; readonly groupId: string }
  | { readonly kind: 'user'; readonly tenantId: string; readonly userId: string }
  | { readonly kind: 'card'; readonly tenantId: string; readonly userId: string; readonly cardId: string }
  | { readonly kind: 'processor'; readonly processorId: string };

export function epochKey(scope: EpochScope): string {
  switch (scope.kind) {
    case 'tenant':
      return redisKey('epoch:tenant', scope.tenantId);
    case 'group':
      return redisKey('epoch:group', scope.tenantId, scope.groupId);
    case 'user':
      return redisKey('epoch:user', scope.tenantId, scope.userId);
    case 'card':
      return redisKey('epoch:card', scope.tenantId, scope.userId, scope.cardId);
    case 'processor':
      return redisKey('epoch:processor', scope.processorId);
  }
}

/** The longest a token may live on any instance (VAULT_TOKEN_TTL_SECONDS is at most this). */
export const MAX_TOKEN_TTL_SECONDS = 900;
/** Seconds an epoch key outlives the last token that may have recorded it (clock skew between instances). */
export const EPOCH_GRACE_SECONDS = 60;
const RETAIN_MS = (MAX_TOKEN_TTL_SECONDS + EPOCH_GRACE_SECONDS) * 1000;

export interface RevocationEpochs {
  bump(scope: EpochScope): Promise<void>;
  /** Current epochs, keyed by epoch key ("0" for a key never bumped); keeps each existing key alive for a token. */
  read(scopes: readonly EpochScope[]): Promise<Record<string, string>>;
}

/** INCR, then make sure the key lives at least ARGV[1] ms more (never shortens it). */
const BUMP = `
local n = redis.call('INCR', KEYS[1])
local want = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < want then redis.call('PEXPIRE', KEYS[1], want) end
return n
`;

/** GET each key; every key that exists is kept for at least ARGV[1] ms more. */
const READ = `
local want = tonumber(ARGV[1])
local out = {}
for i, k in ipairs(KEYS) do
  local v = redis.call('GET', k)
  if v then
    if redis.call('PTTL', k) < want then redis.call('PEXPIRE', k, want) end
    out[i] = v
  else
    out[i] = '0'
  end
end
return out
`;

type RedisWithEpochs = Redis & { vaultEpochBump(key: string, retainMs: number): Promise<number> };

export class RedisRevocationEpochs implements RevocationEpochs {
  private readonly redis: RedisWithEpochs;
  constructor(redis: Redis) {
    if (!('vaultEpochBump' in redis)) redis.defineCommand('vaultEpochBump', { numberOfKeys: 1, lua: BUMP });
    defineEpochReads(redis);
    this.redis = redis as RedisWithEpochs;
  }

  async bump(scope: EpochScope): Promise<void> {
    await withinDeadline(this.redis.vaultEpochBump(epochKey(scope), RETAIN_MS));
  }

  async read(scopes: readonly EpochScope[]): Promise<Record<string, string>> {
    return readEpochKeys(this.redis, scopes.map(epochKey));
  }
}

/** Defines the read script on a client that will call `readEpochKeys` (in its owner's constructor). */
export function defineEpochReads(redis: Redis): void {
  defineScript(redis, 'vaultEpochRead', READ);
}

/**
 * Current values of epoch keys ("0" for one never bumped), keeping each existing key alive for a token. One
 * script per hash slot — a tenant's, group's and card's epochs share the tenant's slot, a processor's has its
 * own — so it runs on Redis Cluster; the slots are read at once.
 */
export async function readEpochKeys(redis: Redis, keys: readonly string[]): Promise<Record<string, string>> {
  const groups = bySlot(keys);
  const values = await Promise.all(groups.map((group) => withinDeadline(runScript<string[]>(redis, 'vaultEpochRead', group, [RETAIN_MS]))));
  return Object.fromEntries(groups.flatMap((group, g) => group.map((k, i) => [k, values[g]![i] ?? '0'])));
}
