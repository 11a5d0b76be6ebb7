import type { RecordedRedemption, TokenRedemption, TokenRedemptionRepository } from '../../../services/vault/src/payment-tokens/token-redemption-repository.ts';
import type { Binding } from './in-memory-tables.ts';

/**
 * `token_redemptions` in memory: `record` is the SQL's `INSERT … ON CONFLICT (token_id) DO NOTHING` — a row per
 * released token, a second release of the same token records nothing and answers false. Each call runs to
 * completion before another starts (no await inside), so concurrent records of one token leave one row, as the
 * primary key does.
 */
export class InMemoryTokenRedemptionRepository implements TokenRedemptionRepository {
  constructor(private readonly b: Binding) {}

  async record(r: TokenRedemption): Promise<boolean> {
    const table = this.b.db.tokenRedemptions;
    if (table.get(r.tokenId)) return false;
    table.put(r.tokenId, { ...r, redeemedAt: this.b.now() }, this.b.journal);
    return true;
  }

  async find(tokenId: string): Promise<RecordedRedemption | null> {
    return this.b.db.tokenRedemptions.get(tokenId) ?? null;
  }

  async forget(tokenId: string): Promise<void> {
    this.b.db.tokenRedemptions.delete(tokenId, this.b.journal);
  }

  async purgeExpired(before: Date): Promise<number> {
    const table = this.b.db.tokenRedemptions;
    const expired = table.rows().filter((r) => r.tokenExpiresAt < before);
    for (const r of expired) table.delete(r.tokenId, this.b.journal);
    return expired.length;
  }
}
