import type pg from 'pg';
import { type EncryptedRecordType, quoted, whereHoldsCiphertext, ENCRYPTED_RECORD_TYPES } from '../../vault/src/index.ts';
import type { VersionCounts } from './rotation-report.ts';
import { SqlParams, staleWhere } from './rotation-sql.ts';

/** Rows of every type not yet under `targetKey` (or with a digest not under `targetFp`). */
export async function countPending(pool: pg.Pool, recordTypes: readonly EncryptedRecordType[], targetKey: string, targetFp: string): Promise<number> {
  const counts = await Promise.all(
    recordTypes.map(async (type) => {
      const p = new SqlParams();
      const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${quoted(type.table)} WHERE ${staleWhere(type, p, targetKey, targetFp)}`, p.values);
      return rows[0]!.n;
    }),
  );
  return counts.reduce((sum, n) => sum + n, 0);
}

/** Rows per key version, per registered type (its `name`) and per keyed digest (the digest's `name`). */
export async function countVersions(pool: pg.Pool, recordTypes: readonly EncryptedRecordType[] = ENCRYPTED_RECORD_TYPES): Promise<VersionCounts> {
  const group = async (type: EncryptedRecordType, keyVersionColumn: string) => {
    const sql = `SELECT ${quoted(keyVersionColumn)} AS v, count(*)::int AS n FROM ${quoted(type.table)}${whereHoldsCiphertext(type)} GROUP BY 1 ORDER BY 1`;
    return Object.fromEntries((await pool.query<{ v: string; n: number }>(sql)).rows.map((r) => [r.v, r.n])) as Record<string, number>;
  };
  const counted = recordTypes.flatMap((type) => [
    { name: type.name, counts: group(type, type.keyVersionColumn) },
    ...(type.digests ?? []).map((digest) => ({ name: digest.name, counts: group(type, digest.keyVersionColumn) })),
  ]);
  return Object.fromEntries(await Promise.all(counted.map(async ({ name, counts }) => [name, await counts] as const)));
}
