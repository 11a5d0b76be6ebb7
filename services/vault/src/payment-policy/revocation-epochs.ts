import type { Redis } from '../storage/redis.ts';

/**
 * Revocation by epoch: every token records, when issued, the epoch of its tenant, its group and its card.
 * Bumping an epoch (switching payments off, deleting a card) makes every token issued before unredeemable
 * in one O(1) write, whichever vault instance issued them; redemption compares epochs atomically.
 */
export type EpochScope =
  | { readonly kind: 'tenant'; readonly tenantId: string }
  | { readonly kind: 'group'; readonly tenantId: string; readonly groupId: string }
  | { readonly kind: 'card'; readonly cardId: string };

export function epochKey(scope: EpochScope): string {
  switch (scope.kind) {
    case 'tenant':
      return `vault:epoch:tenant:${scope.tenantId}`;
    case 'group':
      return `vault:epoch:group:${scope.tenantId}:${scope.groupId}`;
    case 'card':
      return `vault:epoch:card:${scope.cardId}`;
  }
}

export interface RevocationEpochs {
  bump(scope: EpochScope): Promise<void>;
  /** Current epochs, keyed by epoch key; a key never bumped is "0". */
  read(scopes: readonly EpochScope[]): Promise<Record<string, string>>;
}

export class RedisRevocationEpochs implements RevocationEpochs {
  constructor(private readonly redis: Redis) {}

  async bump(scope: EpochScope): Promise<void> {
    await this.redis.incr(epochKey(scope));
  }

  async read(scopes: readonly EpochScope[]): Promise<Record<string, string>> {
    const keys = scopes.map(epochKey);
    const values = await this.redis.mget(...keys);
    return Object.fromEntries(keys.map((k, i) => [k, values[i] ?? '0']));
  }
}
