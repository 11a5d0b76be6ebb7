import { type EncryptedRecordType, andHoldsCiphertext, quoted } from '../../vault/src/index.ts';

/** Numbered parameters for one statement: `add` returns the placeholder of the value it keeps. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** A row as rotation reads it: column name → value (see `rotationColumns`). */
export type Row = Readonly<Record<string, unknown>>;

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

/** One row's new values: its ciphertext under the target key (null: its key is current) and recomputed digests by column. */
export interface RowRewrite {
  /** The row as read: its id and the versions the write is checked against. */
  readonly row: Row;
  readonly ciphertext: Uint8Array | null;
  readonly digests: Readonly<Record<string, string>>;
}

/**
 * One UPDATE writing back many rows (`FROM unnest(…)`: one array per column, whatever the number of rows), each
 * only if unchanged since it was read — its row version, or for a table without one every key version read — with
 * the row version + 1; RETURNING the ids written. A row whose check fails is not written (the caller retries it).
 * Ids, key versions and digests are text and row versions integers, as in every registered table.
 */
export function rewriteRowsStatement(type: EncryptedRecordType, rewrites: readonly RowRewrite[], target: { key: string; fingerprint: string }): { text: string; values: unknown[] } {
  const p = new SqlParams();
  const t = (column: string) => `t.${quoted(column)}`;
  const sources = [`${p.add(rewrites.map((r) => r.row[type.idColumn]))}::text[]`, `${p.add(rewrites.map((r) => r.ciphertext))}::bytea[]`];
  const names = ['id', 'ciphertext'];
  const targetKey = p.add(target.key);
  const assignments = [
    `${quoted(type.ciphertextColumn)} = COALESCE(v.ciphertext, ${t(type.ciphertextColumn)})`,
    `${quoted(type.keyVersionColumn)} = CASE WHEN v.ciphertext IS NULL THEN ${t(type.keyVersionColumn)} ELSE ${targetKey} END`,
  ];
  const digests = type.digests ?? [];
  const targetFingerprint = digests.length ? p.add(target.fingerprint) : '';
  digests.forEach((digest, i) => {
    sources.push(`${p.add(rewrites.map((r) => r.digests[digest.column] ?? null))}::text[]`);
    names.push(`d${i}`);
    assignments.push(
      `${quoted(digest.column)} = COALESCE(v.d${i}, ${t(digest.column)})`,
      `${quoted(digest.keyVersionColumn)} = CASE WHEN v.d${i} IS NULL THEN ${t(digest.keyVersionColumn)} ELSE ${targetFingerprint} END`,
    );
  });
  const checks: string[] = [`${t(type.idColumn)} = v.id`];
  if (type.rowVersionColumn) {
    sources.push(`${p.add(rewrites.map((r) => r.row[type.rowVersionColumn!]))}::bigint[]`);
    names.push('read_version');
    checks.push(`${t(type.rowVersionColumn)} = v.read_version`);
    assignments.push(`${quoted(type.rowVersionColumn)} = ${t(type.rowVersionColumn)} + 1`);
  } else {
    versionColumns(type).forEach((column, i) => {
      sources.push(`${p.add(rewrites.map((r) => r.row[column]))}::text[]`);
      names.push(`read_key${i}`);
      checks.push(`${t(column)} = v.read_key${i}`);
    });
  }
  if (type.updatedAtColumn) assignments.push(`${quoted(type.updatedAtColumn)} = now()`);
  const text = `UPDATE ${quoted(type.table)} AS t SET ${assignments.join(', ')}
    FROM unnest(${sources.join(', ')}) AS v(${names.join(', ')})
    WHERE ${checks.join(' AND ')} RETURNING ${t(type.idColumn)} AS id`;
  return { text, values: p.values };
}
