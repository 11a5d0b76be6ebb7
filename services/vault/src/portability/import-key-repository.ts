import { statement, type Sql } from '../storage/sql.ts';

/** An import key as stored: the public half in clear, the private half sealed by the envelope. */
export interface NewImportKey {
  readonly id: string;
  readonly fingerprint: string;
  readonly publicKey: string;
  readonly ciphertext: Uint8Array;
  readonly keyVersion: string;
}

/** The only code that reads or writes the `import_keys` table (key rotation re-encrypts it through the registry). */
export interface ImportKeyRepository {
  insert(key: NewImportKey): Promise<void>;
  /** Every key not retired, newest first: their sealed private halves. */
  listSealed(): Promise<Array<{ readonly id: string; readonly ciphertext: Uint8Array }>>;
  /** The newest key not retired: its public half. */
  findCurrent(): Promise<{ readonly id: string; readonly fingerprint: string; readonly publicKey: string } | null>;
}

const INSERT = statement(
  'import_keys_insert',
  'INSERT INTO "import_keys" ("id", "fingerprint", "public_key", "ciphertext", "key_version") VALUES ($1, $2, $3, $4, $5)',
);
const LIST_SEALED = statement('import_keys_list_sealed', 'SELECT "id", "ciphertext" FROM "import_keys" WHERE "retired_at" IS NULL ORDER BY "created_at" DESC');
const FIND_CURRENT = statement(
  'import_keys_find_current',
  'SELECT "id", "fingerprint", "public_key" AS "publicKey" FROM "import_keys" WHERE "retired_at" IS NULL ORDER BY "created_at" DESC LIMIT 1',
);

export class SqlImportKeyRepository implements ImportKeyRepository {
  constructor(private readonly sql: Sql) {}

  async insert(key: NewImportKey): Promise<void> {
    await this.sql.count(INSERT, [key.id, key.fingerprint, key.publicKey, Buffer.from(key.ciphertext), key.keyVersion]);
  }

  listSealed(): Promise<Array<{ id: string; ciphertext: Uint8Array }>> {
    return this.sql.rows(LIST_SEALED, []);
  }

  async findCurrent(): Promise<{ id: string; fingerprint: string; publicKey: string } | null> {
    return (await this.sql.rows<{ id: string; fingerprint: string; publicKey: string }>(FIND_CURRENT, []))[0] ?? null;
  }
}
