import type { KeyRegistryRecord, KeyRegistryRepository } from '../../../services/vault/src/storage/key-registry.ts';
import { byText, type Binding, type InMemoryDatabase, type Table } from './in-memory-tables.ts';

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

/**
 * A key-registry table in memory (the fake of storage/key-registry.ts: processors, invoice partners): upsert by id,
 * keys stored as jsonb would store them, listed by id.
 */
export class InMemoryKeyRegistryRepository<K> implements KeyRegistryRepository<K> {
  constructor(
    private readonly b: Binding,
    private readonly table: (db: InMemoryDatabase) => Table<KeyRegistryRecord<K>>,
  ) {}

  async find(id: string): Promise<KeyRegistryRecord<K> | null> {
    const row = this.table(this.b.db).get(id);
    return row ? copy(row) : null;
  }

  async list(): Promise<KeyRegistryRecord<K>[]> {
    return this.table(this.b.db).rows().sort((a, b) => byText(a.id, b.id)).map(copy);
  }

  async upsert(record: Omit<KeyRegistryRecord<K>, 'updatedAt'>): Promise<KeyRegistryRecord<K>> {
    const row: KeyRegistryRecord<K> = { id: record.id, name: record.name, enabled: record.enabled, keys: jsonbRoundTrip(record.keys), updatedAt: this.b.now() };
    this.table(this.b.db).put(row.id, row, this.b.journal);
    return copy(row);
  }
}

function copy<K>(row: KeyRegistryRecord<K>): KeyRegistryRecord<K> {
  return { ...row, keys: jsonbRoundTrip(row.keys) };
}
