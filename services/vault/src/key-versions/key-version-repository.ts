import type { RetiredKeys } from '../crypto/build-crypto.ts';
import type { EncryptedRecordType } from '../encrypted-records/encrypted-record-type.ts';
import { countUsingSql, distinctVersionsSql, keyVersionColumns } from '../encrypted-records/record-sql.ts';
import type { KeyPurpose } from '../encrypted-records/key-purpose.ts';
import { statement, type Sql, type Statement } from '../storage/sql.ts';

const RETIRED = statement('key_versions_retired', `SELECT "purpose", "version" FROM "key_versions" WHERE "state" = 'retired'`);
const RETIRE = statement(
  'key_versions_retire',
  `INSERT INTO "key_versions" ("purpose", "version", "state", "retired_at") VALUES ($1, $2, 'retired', $3)
   ON CONFLICT ("purpose", "version") DO UPDATE SET "state" = 'retired', "retired_at" = EXCLUDED."retired_at"`,
);

/** `SELECT DISTINCT` of one key-version column of a registered table: the versions its live ciphertexts use. */
export function versionsInStatement(type: EncryptedRecordType, keyVersionColumn: string): Statement {
  return statement(`key_versions_in:${type.table}.${keyVersionColumn}`, distinctVersionsSql(type, keyVersionColumn));
}

/** Count of a registered table's live rows whose `keyVersionColumn` is `$1`. */
export function rowsUsingStatement(type: EncryptedRecordType, keyVersionColumn: string): Statement {
  return statement(`key_version_rows:${type.table}.${keyVersionColumn}`, countUsingSql(type, keyVersionColumn));
}

/**
 * Every statement the key-version code runs over `recordTypes` (one pair per key-version column). They are
 * built from the registry, which this layer cannot import: the wiring's registry is passed in, and the
 * schema test declares them through here to PREPARE each against the migrated database.
 */
export function keyVersionStatements(recordTypes: readonly EncryptedRecordType[]): Statement[] {
  return recordTypes.flatMap((type) =>
    (['wrapping', 'fingerprint'] as const).flatMap((purpose) => keyVersionColumns(type, purpose).flatMap((column) => [versionsInStatement(type, column), rowsUsingStatement(type, column)])),
  );
}

/** The only code that touches `key_versions`: which key versions are retired for good. */
export class KeyVersionRepository {
  constructor(
    private readonly sql: Sql,
    /** Every registered encrypted record type (the wiring's registry): where a key version can still be in use. */
    private readonly recordTypes: readonly EncryptedRecordType[],
  ) {}

  async retired(): Promise<RetiredKeys> {
    const rows = await this.sql.rows<{ purpose: string; version: string }>(RETIRED, []);
    return {
      wrapping: rows.filter((r) => r.purpose === 'wrapping').map((r) => r.version),
      fingerprint: rows.filter((r) => r.purpose === 'fingerprint').map((r) => r.version),
    };
  }

  async retire(purpose: KeyPurpose, version: string): Promise<void> {
    await this.sql.count(RETIRE, [purpose, version, new Date()]);
  }

  /** The key versions `type`'s live rows use in `keyVersionColumn` (its wrapping key's, or a keyed digest's). */
  async versionsIn(type: EncryptedRecordType, keyVersionColumn: string): Promise<string[]> {
    return (await this.sql.rows<{ v: string }>(versionsInStatement(type, keyVersionColumn), [])).map((r) => r.v);
  }

  /**
   * Rows still written under `version` (a ciphertext, or a keyed digest for a fingerprint key), over every
   * registered encrypted record type: a key with any cannot be retired. The rotation job moves them all,
   * idempotency records included (only live ones count: an expired record is never opened again).
   */
  async rowsUsing(purpose: KeyPurpose, version: string, recordTypes: readonly EncryptedRecordType[] = this.recordTypes): Promise<number> {
    const counts = await Promise.all(
      recordTypes.flatMap((type) =>
        keyVersionColumns(type, purpose).map(async (column) => (await this.sql.rows<{ n: number }>(rowsUsingStatement(type, column), [version]))[0]?.n ?? 0),
      ),
    );
    return counts.reduce((sum, n) => sum + n, 0);
  }
}
