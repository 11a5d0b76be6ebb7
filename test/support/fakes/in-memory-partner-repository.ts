import type { PartnerKey } from '../../../services/vault/src/partners/partner-key.ts';
import { InMemoryKeyRegistryRepository } from './in-memory-key-registry.ts';
import type { Binding } from './in-memory-tables.ts';

/** `invoice_partners` in memory. */
export class InMemoryPartnerRepository extends InMemoryKeyRegistryRepository<PartnerKey> {
  constructor(b: Binding) {
    super(b, (db) => db.invoicePartners);
  }
}
