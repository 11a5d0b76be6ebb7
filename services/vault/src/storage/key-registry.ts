import { statement, type Sql, type Statement } from './sql.ts';

/**
 * A registry of named parties and their public keys, one row each (`id`, `name`, `enabled`, `keys` as JSON,
 * `updated_at`): what the processor registry (encryption keys) and the invoice-partner registry (signature keys)
 * both are. `K` is the party's key type; each registry validates its own keys before they reach this table.
 */
export interface KeyRegistryRecord<K> {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly keys: readonly K[];
  readonly updatedAt: Date;
}

export interface KeyRegistryRepository<K> {
  find(id: string): Promise<KeyRegistryRecord<K> | null>;
  list(): Promise<KeyRegistryRecord<K>[]>;
  upsert(record: Omit<KeyRegistryRecord<K>, 'updatedAt'>): Promise<KeyRegistryRecord<K>>;
}

export interface KeyRegistryStatements {
  readonly find: Statement;
  readonly list: Statement;
  readonly upsert: Statement;
}

/** The statements of one registry table (declared where the table's repository module loads, named by the table). */
export function keyRegistryStatements(table: string): KeyRegistryStatements {
  const columns = `"id", "name", "enabled", "keys", "updated_at" AS "updatedAt"`;
  return {
    find: statement(`${table}_find`, `SELECT ${columns} FROM "${table}" WHERE "id" = $1`),
    list: statement(`${table}_list`, `SELECT ${columns} FROM "${table}" ORDER BY "id"`),
    upsert: statement(
      `${table}_upsert`,
      `INSERT INTO "${table}" ("id", "name", "enabled", "keys") VALUES ($1, $2, $3, $4::jsonb)
   ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name", "enabled" = EXCLUDED."enabled", "keys" = EXCLUDED."keys",
     "updated_at" = CURRENT_TIMESTAMP
   RETURNING ${columns}`,
    ),
  };
}

export class SqlKeyRegistryRepository<K> implements KeyRegistryRepository<K> {
  constructor(
    private readonly sql: Sql,
    private readonly statements: KeyRegistryStatements,
  ) {}

  async find(id: string): Promise<KeyRegistryRecord<K> | null> {
    return (await this.sql.rows<KeyRegistryRecord<K>>(this.statements.find, [id]))[0] ?? null;
  }

  list(): Promise<KeyRegistryRecord<K>[]> {
    return this.sql.rows<KeyRegistryRecord<K>>(this.statements.list, []);
  }

  async upsert(record: Omit<KeyRegistryRecord<K>, 'updatedAt'>): Promise<KeyRegistryRecord<K>> {
    const [row] = await this.sql.rows<KeyRegistryRecord<K>>(this.statements.upsert, [record.id, record.name, record.enabled, JSON.stringify(record.keys)]);
    return row!;
  }
}
