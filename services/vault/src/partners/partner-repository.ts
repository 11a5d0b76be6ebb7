import { statement, type Sql } from '../storage/sql.ts';
import type { PartnerKey } from './partner-key.ts';

export interface PartnerRecord {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly keys: readonly PartnerKey[];
  readonly updatedAt: Date;
}

/** The only code that touches `invoice_partners`. */
export interface PartnerRepository {
  find(id: string): Promise<PartnerRecord | null>;
  list(): Promise<PartnerRecord[]>;
  upsert(record: Omit<PartnerRecord, 'updatedAt'>): Promise<PartnerRecord>;
}

const PARTNER = `"id", "name", "enabled", "keys", "updated_at" AS "updatedAt"`;
const FIND = statement('invoice_partners_find', `SELECT ${PARTNER} FROM "invoice_partners" WHERE "id" = $1`);
const LIST = statement('invoice_partners_list', `SELECT ${PARTNER} FROM "invoice_partners" ORDER BY "id"`);
const UPSERT = statement(
  'invoice_partners_upsert',
  `INSERT INTO "invoice_partners" ("id", "name", "enabled", "keys") VALUES ($1, $2, $3, $4::jsonb)
   ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name", "enabled" = EXCLUDED."enabled", "keys" = EXCLUDED."keys",
     "updated_at" = CURRENT_TIMESTAMP
   RETURNING ${PARTNER}`,
);

export class SqlPartnerRepository implements PartnerRepository {
  constructor(private readonly sql: Sql) {}

  async find(id: string): Promise<PartnerRecord | null> {
    return (await this.sql.rows<PartnerRecord>(FIND, [id]))[0] ?? null;
  }

  list(): Promise<PartnerRecord[]> {
    return this.sql.rows<PartnerRecord>(LIST, []);
  }

  async upsert(record: Omit<PartnerRecord, 'updatedAt'>): Promise<PartnerRecord> {
    const [row] = await this.sql.rows<PartnerRecord>(UPSERT, [record.id, record.name, record.enabled, JSON.stringify(record.keys)]);
    return row!;
  }
}
