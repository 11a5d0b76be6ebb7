import type { EncryptedRecordType } from '../../vault/src/encrypted-records/encrypted-record-type.ts';
import { andHoldsCiphertext, quoted } from '../../vault/src/encrypted-records/record-sql.ts';

/** Numbered parameters for one statement: `add` returns the placeholder of the value it keeps. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Every key-version column of a type: its wrapping key's, then each keyed digest's. */
export function versionColumns(type: EncryptedRecordType): string[] {
  return [type.keyVersionColumn, ...(type.digests ?? []).map((d) => d.keyVersionColumn)];
}

/** What rotation reads of a row: its id, ciphertext, key and row versions, and every context column. */
export function rotationColumns(type: EncryptedRecordType): string {
  const columns = [type.idColumn, type.ciphertextColumn, ...versionColumns(type), ...(type.rowVersionColumn ? [type.rowVersionColumn] : []), ...Object.values(type.contextColumns)];
  return [...new Set(columns)].map(quoted).join(', ');
}

/** Rows holding a ciphertext that is not under `targetKey`, or a digest not under `targetFingerprint`. */
export function staleWhere(type: EncryptedRecordType, p: SqlParams, targetKey: string, targetFingerprint: string): string {
  const notCurrent = [`${quoted(type.keyVersionColumn)} <> ${p.add(targetKey)}`];
  if (type.digests?.length) {
    const fingerprint = p.add(targetFingerprint);
    for (const digest of type.digests) notCurrent.push(`${quoted(digest.keyVersionColumn)} <> ${fingerprint}`);
  }
  return `(${notCurrent.join(' OR ')})${andHoldsCiphertext(type)}`;
}

/**
 * The optimistic check of a rewrite: the row version read, or — for a table without one — every key version read
 * (the row cannot have moved to another key in between without the check failing).
 */
export function unchangedSince(type: EncryptedRecordType, p: SqlParams, row: Readonly<Record<string, unknown>>): string {
  const columns = type.rowVersionColumn ? [type.rowVersionColumn] : versionColumns(type);
  return columns.map((column) => `${quoted(column)} = ${p.add(row[column])}`).join(' AND ');
}
