import { statement, type Sql } from '../storage/sql.ts';
import type { ProcessorKey } from '../crypto/processor-key.ts';

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

const PROCESSOR = `"id", "name", "enabled", "keys", "updated_at" AS "updatedAt"`;
const FIND = statement('processors_find', `SELECT ${PROCESSOR} FROM "processors" WHERE "id" = $1`);
const LIST = statement('processors_list', `SELECT ${PROCESSOR} FROM "processors" ORDER BY "id"`);
const UPSERT = statement(
  'processors_upsert',
  `INSERT INTO "processors" ("id", "name", "enabled", "keys") VALUES ($1, $2, $3, $4::jsonb)
   ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name", "enabled" = EXCLUDED."enabled", "keys" = EXCLUDED."keys",
     "updated_at" = CURRENT_TIMESTAMP
   RETURNING ${PROCESSOR}`,
);

export class SqlProcessorRepository implements ProcessorRepository {
  constructor(private readonly sql: Sql) {}

  async find(id: string): Promise<ProcessorRecord | null> {
    return (await this.sql.rows<ProcessorRecord>(FIND, [id]))[0] ?? null;
  }

  list(): Promise<ProcessorRecord[]> {
    return this.sql.rows<ProcessorRecord>(LIST, []);
  }

  async upsert(record: Omit<ProcessorRecord, 'updatedAt'>): Promise<ProcessorRecord> {
    const [row] = await this.sql.rows<ProcessorRecord>(UPSERT, [record.id, record.name, record.enabled, JSON.stringify(record.keys)]);
    return row!;
  }
}
