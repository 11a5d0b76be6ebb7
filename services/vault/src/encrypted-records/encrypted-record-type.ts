import type { EncryptionContext } from '../crypto/envelope.ts';
import type { Fingerprinter } from '../crypto/fingerprint.ts';

/** A row as read from the database: column name → value. */
export type StoredColumns = Readonly<Record<string, unknown>>;

/**
 * A keyed digest stored beside a ciphertext (cards: the PAN fingerprint), recomputed from the plaintext when the
 * fingerprint key changes. Its key-version column is what `keys:retire --fingerprint` and the start-up check read.
 */
export interface KeyedDigestColumns {
  /** Key in rotation reports (`cardFingerprints`). */
  readonly name: string;
  /** What an operator reads in a refusal (`card fingerprints`). */
  readonly label: string;
  readonly column: string;
  readonly keyVersionColumn: string;
  /** The digest of `plaintext` under the fingerprinter's current key; `context` is the row's encryption context. */
  compute(fingerprinter: Fingerprinter, context: EncryptionContext, plaintext: Uint8Array): string;
}

/**
 * One table of encrypted records: where its ciphertexts live and how each is bound to its row. Sealing and
 * opening build their encryption context through it, and key rotation, `keys:retire` and the start-up key check
 * iterate the registry of them (`registry.ts`), so a table registered here cannot escape rotation or retirement.
 * Identifiers are constants written here, never input; the SQL built from them quotes them.
 */
export interface EncryptedRecordType {
  /** Key in rotation reports (`cards`, `billingProfiles`). */
  readonly name: string;
  readonly table: string;
  readonly idColumn: string;
  readonly ciphertextColumn: string;
  readonly keyVersionColumn: string;
  /** Incremented on every write (optimistic check); null when the table has none (the key version is checked). */
  readonly rowVersionColumn: string | null;
  /** Set to now() when rotation rewrites a row; null when the table has none. */
  readonly updatedAtColumn: string | null;
  /** The `purpose` field of every context sealed for this table. */
  readonly purpose: string;
  /** The other context fields, in order: field → the column holding its value. */
  readonly contextColumns: Readonly<Record<string, string>>;
  /**
   * SQL predicate for the rows holding a ciphertext that must keep opening (idempotency: filled and unexpired);
   * absent when every row does. Rows outside it are neither rotated nor counted against a key.
   */
  readonly holdsCiphertextWhere?: string;
  readonly digests?: readonly KeyedDigestColumns[];
}

/** The encryption context of the row whose columns are `columns`: the one used to seal and to open it. */
export function encryptionContext(type: EncryptedRecordType, columns: StoredColumns): EncryptionContext {
  const context: Record<string, string> = { purpose: type.purpose };
  for (const [field, column] of Object.entries(type.contextColumns)) {
    const value = columns[column];
    /* Precondition: every context field is bound to a value, or the ciphertext would open in any row. */
    if (typeof value !== 'string' || value === '') throw new Error(`${type.name}: context column ${column} has no value`);
    context[field] = value;
  }
  return context;
}
