import type { ProcessorRecord, ProcessorRepository } from '../../../services/vault/src/processors/processor-repository.ts';
import { byText, type Binding } from './in-memory-tables.ts';
import type { ProcessorKey } from '../../../services/vault/src/crypto/processor-key.ts';

/**
 * A value as it comes back from a `jsonb` column: a copy, with every object's members reordered the way jsonb
 * stores them (shorter names first, then by bytes). Code that depended on member order would pass on a plain
 * copy and fail on PostgreSQL; here it fails too.
 */
export function jsonbRoundTrip<T>(value: T): T {
  const reorder = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(reorder);
    if (v === null || typeof v !== 'object') return v;
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    entries.sort(([a], [b]) => Buffer.byteLength(a) - Buffer.byteLength(b) || Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return Object.fromEntries(entries.map(([k, x]) => [k, reorder(x)]));
  };
  return reorder(JSON.parse(JSON.stringify(value))) as T;
}

/** `processors` in memory: upsert by id, keys stored as jsonb would store them, listed by id. */
export class InMemoryProcessorRepository implements ProcessorRepository {
  constructor(private readonly b: Binding) {}

  async find(id: string): Promise<ProcessorRecord | null> {
    const row = this.b.db.processors.get(id);
    return row ? copy(row) : null;
  }

  async list(): Promise<ProcessorRecord[]> {
    return this.b.db.processors.rows().sort((a, b) => byText(a.id, b.id)).map(copy);
  }

  async upsert(record: Omit<ProcessorRecord, 'updatedAt'>): Promise<ProcessorRecord> {
    const row: ProcessorRecord = { id: record.id, name: record.name, enabled: record.enabled, keys: jsonbRoundTrip(record.keys as ProcessorKey[]), updatedAt: this.b.now() };
    this.b.db.processors.put(row.id, row, this.b.journal);
    return copy(row);
  }
}

function copy(row: ProcessorRecord): ProcessorRecord {
  return { ...row, keys: jsonbRoundTrip(row.keys as ProcessorKey[]) };
}
