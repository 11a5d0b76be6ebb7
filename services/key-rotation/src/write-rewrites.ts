import type pg from 'pg';
import { type EncryptedRecordType, isUniqueViolation } from '../../vault/src/index.ts';
import { rewriteRowsStatement, type RowRewrite } from './rotation-sql.ts';

/**
 * Writes a batch's resealed rows back in one statement (rewrite-rows: each only if unchanged since read).
 * `written`: ids written; a row missing from it and from `collided` moved under the job (the caller retries it).
 * A recomputed digest may collide with one its owner already holds (a duplicate stored before rotation): then the
 * batch statement is undone and the rows are written one by one, so only the colliding rows fail (`collided`).
 */
export async function writeRewrites(
  client: pg.PoolClient,
  type: EncryptedRecordType,
  rewrites: readonly RowRewrite[],
  target: { key: string; fingerprint: string },
): Promise<{ written: Set<string>; collided: string[] }> {
  if (rewrites.length === 0) return { written: new Set(), collided: [] };
  const write = async (some: readonly RowRewrite[]) => {
    const { text, values } = rewriteRowsStatement(type, some, target);
    return new Set((await client.query<{ id: string }>(text, values)).rows.map((r) => String(r.id)));
  };
  const writesDigests = rewrites.some((r) => Object.keys(r.digests).length > 0);
  if (!writesDigests) return { written: await write(rewrites), collided: [] };

  await client.query('SAVEPOINT rewrite_batch');
  try {
    const written = await write(rewrites);
    await client.query('RELEASE SAVEPOINT rewrite_batch');
    return { written, collided: [] };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    await client.query('ROLLBACK TO SAVEPOINT rewrite_batch');
  }
  const written = new Set<string>();
  const collided: string[] = [];
  for (const rewrite of rewrites) {
    await client.query('SAVEPOINT rewrite_row');
    try {
      for (const id of await write([rewrite])) written.add(id);
      await client.query('RELEASE SAVEPOINT rewrite_row');
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      await client.query('ROLLBACK TO SAVEPOINT rewrite_row');
      collided.push(String(rewrite.row[type.idColumn]));
    }
  }
  return { written, collided };
}
