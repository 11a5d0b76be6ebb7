import {
  EPOCH_GRACE_SECONDS,
  epochKey,
  MAX_TOKEN_TTL_SECONDS,
  type EpochScope,
  type RevocationEpochs,
} from '../../../services/vault/src/payment-policy/revocation-epochs.ts';
import type { InMemoryRedis } from './in-memory-redis.ts';

const RETAIN_MS = (MAX_TOKEN_TTL_SECONDS + EPOCH_GRACE_SECONDS) * 1000;

/**
 * Revocation epochs over in-memory Redis, as `RedisRevocationEpochs`' scripts keep them: a bump increments the
 * scope's key and keeps it at least the longest token life plus grace; a read answers "0" for a key never
 * bumped (or long expired) and extends every key it finds the same way.
 */
export class InMemoryRevocationEpochs implements RevocationEpochs {
  constructor(private readonly redis: InMemoryRedis) {}

  async bump(scope: EpochScope): Promise<void> {
    const key = epochKey(scope);
    this.redis.incr(key);
    this.retain(key);
  }

  async read(scopes: readonly EpochScope[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const key of scopes.map(epochKey)) {
      const value = this.redis.get(key);
      if (value !== null) this.retain(key);
      out[key] = value ?? '0';
    }
    return out;
  }

  private retain(key: string): void {
    if (this.redis.pttl(key) < RETAIN_MS) this.redis.pexpire(key, RETAIN_MS);
  }
}
