import type { PartnerKey } from '../../../services/vault/src/partners/partner-key.ts';
import type { PartnerRecord, PartnerRepository } from '../../../services/vault/src/partners/partner-repository.ts';
import { jsonbRoundTrip } from './in-memory-processor-repository.ts';
import { byText, type Binding } from './in-memory-tables.ts';

/** `invoice_partners` in memory: upsert by id, keys stored as jsonb would store them, listed by id. */
export class InMemoryPartnerRepository implements PartnerRepository {
  constructor(private readonly b: Binding) {}

  async find(id: string): Promise<PartnerRecord | null> {
    const row = this.b.db.invoicePartners.get(id);
    return row ? copy(row) : null;
  }

  async list(): Promise<PartnerRecord[]> {
    return this.b.db.invoicePartners.rows().sort((a, b) => byText(a.id, b.id)).map(copy);
  }

  async upsert(record: Omit<PartnerRecord, 'updatedAt'>): Promise<PartnerRecord> {
    const row: PartnerRecord = { id: record.id, name: record.name, enabled: record.enabled, keys: jsonbRoundTrip(record.keys as PartnerKey[]), updatedAt: this.b.now() };
    this.b.db.invoicePartners.put(row.id, row, this.b.journal);
    return copy(row);
  }
}

function copy(row: PartnerRecord): PartnerRecord {
  return { ...row, keys: jsonbRoundTrip(row.keys as PartnerKey[]) };
}
