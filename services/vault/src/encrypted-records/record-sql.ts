import type { EncryptedRecordType } from './encrypted-record-type.ts';
import type { KeyPurpose } from './key-purpose.ts';

/** A quoted SQL identifier. Registry names are constants, never input; quoting keeps them exact. */
export function quoted(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** `AND <predicate>` for the rows holding a live ciphertext, or nothing. */
export function andHoldsCiphertext(type: EncryptedRecordType): string {
  return type.holdsCiphertextWhere ? ` AND (${type.holdsCiphertextWhere})` : '';
}

/** `WHERE <predicate>` for the rows holding a live ciphertext, or nothing. */
export function whereHoldsCiphertext(type: EncryptedRecordType): string {
  return type.holdsCiphertextWhere ? ` WHERE (${type.holdsCiphertextWhere})` : '';
}

/** The type's columns naming a key of `purpose`: its wrapping key's, or each keyed digest's. */
export function keyVersionColumns(type: EncryptedRecordType, purpose: KeyPurpose): string[] {
  return purpose === 'wrapping' ? [type.keyVersionColumn] : (type.digests ?? []).map((d) => d.keyVersionColumn);
}

/** `SELECT DISTINCT <column> AS v` over the rows holding a live ciphertext: the key versions the data uses. */
export function distinctVersionsSql(type: EncryptedRecordType, keyVersionColumn: string): string {
  return `SELECT DISTINCT ${quoted(keyVersionColumn)} AS v FROM ${quoted(type.table)}${whereHoldsCiphertext(type)}`;
}

/** `SELECT count(*) AS n` of the rows holding a live ciphertext whose `keyVersionColumn` is `$1`. */
export function countUsingSql(type: EncryptedRecordType, keyVersionColumn: string): string {
  return `SELECT count(*)::int AS n FROM ${quoted(type.table)} WHERE ${quoted(keyVersionColumn)} = $1${andHoldsCiphertext(type)}`;
}
