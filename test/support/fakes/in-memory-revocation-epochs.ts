import { epochKey, type EpochScope, type RevocationEpochRepository } from '../../../services/vault/src/payment-policy/revocation-epochs.ts';
import type { Binding } from './in-memory-tables.ts';

/** `revocation_epochs` in memory: a bump adds one to the scope's row (1 for a new one); a read answers "0" for a scope never bumped. */
export class InMemoryRevocationEpochRepository implements RevocationEpochRepository {
  constructor(private readonly b: Binding) {}

  async bump(scope: EpochScope): Promise<void> {
    const key = epochKey(scope);
    const table = this.b.db.revocationEpochs;
    table.put(key, { scope: key, epoch: (table.get(key)?.epoch ?? 0) + 1 }, this.b.journal);
  }

  read(scopes: readonly EpochScope[]): Promise<Record<string, string>> {
    return this.readKeys(scopes.map(epochKey));
  }

  async readKeys(keys: readonly string[]): Promise<Record<string, string>> {
    return Object.fromEntries(keys.map((k) => [k, String(this.b.db.revocationEpochs.get(k)?.epoch ?? 0)]));
  }
}
