import type { PrismaExecutor } from '../storage/unit-of-work.ts';
import type { ProcessorKey } from './processor-keys.ts';

export interface ProcessorRecord {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly keys: readonly ProcessorKey[];
  readonly updatedAt: Date;
}

/** The only code that touches `processors`. */
export interface ProcessorRepository {
  find(id: string): Promise<ProcessorRecord | null>;
  list(): Promise<ProcessorRecord[]>;
  upsert(record: Omit<ProcessorRecord, 'updatedAt'>): Promise<ProcessorRecord>;
}

function toRecord(row: { id: string; name: string; enabled: boolean; keys: unknown; updatedAt: Date }): ProcessorRecord {
  return { id: row.id, name: row.name, enabled: row.enabled, keys: row.keys as ProcessorKey[], updatedAt: row.updatedAt };
}

export class PrismaProcessorRepository implements ProcessorRepository {
  constructor(private readonly db: PrismaExecutor) {}

  async find(id: string): Promise<ProcessorRecord | null> {
    const row = await this.db.processor.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  async list(): Promise<ProcessorRecord[]> {
    return (await this.db.processor.findMany({ orderBy: { id: 'asc' } })).map(toRecord);
  }

  async upsert(record: Omit<ProcessorRecord, 'updatedAt'>): Promise<ProcessorRecord> {
    const data = { name: record.name, enabled: record.enabled, keys: record.keys as unknown as object[] };
    return toRecord(await this.db.processor.upsert({ where: { id: record.id }, create: { id: record.id, ...data }, update: data }));
  }
}
