import type pg from 'pg';
import { type AuditStore, encryptionContext, type EncryptedRecordType, andHoldsCiphertext, quoted } from '../../vault/src/index.ts';
import type { Resealer, ResealRequest } from './resealer.ts';
import { rotationColumns, SqlParams, staleWhere, type Row, type RowRewrite } from './rotation-sql.ts';
import { writeRewrites } from './write-rewrites.ts';

export interface BatchDeps {
  readonly pool: pg.Pool;
  readonly resealer: Resealer;
  readonly audit: AuditStore;
}

export interface BatchArgs {
  /** Claim only ids after this one (the previous batch's last). */
  readonly cursor: string;
  /** Pass over rows another transaction holds (the parallel passes) or wait for them (the last pass). */
  readonly skipLocked: boolean;
  readonly batchSize: number;
  readonly runId: string;
  /** Rows that failed in this run: never claimed again by it. */
  readonly failedIds: Set<string>;
  /** Test seam: runs after a batch is read and locked, before any row of it is written. */
  readonly beforeWrite?: ((recordType: string, ids: readonly string[]) => Promise<void>) | undefined;
}

export interface BatchOutcome {
  readonly cursor: string;
  readonly changed: number;
  readonly retried: number;
  readonly failed: number;
}

/** Times a row whose version moved under the job is read and resealed again before it is left for the next run. */
const ATTEMPTS = 3;

/**
 * One batch, one transaction: claims up to `batchSize` stale rows (FOR UPDATE, SKIP LOCKED on the parallel
 * passes), reseals them all in one call, writes them back in one statement, and adds its counts to the run's row —
 * so a killed job leaves exactly its committed batches done. Null when there is nothing left past `cursor`.
 */
export async function rotateBatch(deps: BatchDeps, type: EncryptedRecordType, a: BatchArgs): Promise<BatchOutcome | null> {
  const client = await deps.pool.connect();
  const out = { changed: 0, retried: 0, failed: 0 };
  const [table, id, columns] = [quoted(type.table), quoted(type.idColumn), rotationColumns(type)];
  const target = { key: deps.resealer.keyVersion, fingerprint: deps.resealer.fingerprintVersion };
  try {
    await client.query('BEGIN');
    const p = new SqlParams();
    const { rows } = await client.query<Row>(
      `SELECT ${columns} FROM ${table}
        WHERE ${id} > ${p.add(a.cursor)} AND ${staleWhere(type, p, target.key, target.fingerprint)} AND NOT (${id} = ANY(${p.add([...a.failedIds])}::text[]))
        ORDER BY ${id} LIMIT ${p.add(a.batchSize)} FOR UPDATE${a.skipLocked ? ' SKIP LOCKED' : ''}`,
      p.values,
    );
    if (rows.length === 0) {
      await client.query('COMMIT');
      return null;
    }
    const idOf = (row: Row) => String(row[type.idColumn]);
    await a.beforeWrite?.(type.name, rows.map(idOf));

    let pending: readonly Row[] = rows;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const results = await deps.resealer.reseal(type, pending.map((row) => resealRequest(type, row, target)));
      const rewrites: RowRewrite[] = [];
      const failed: Array<{ id: string; reason: string }> = [];
      results.forEach((result, i) => {
        const row = pending[i]!;
        if (result.kind === 'failed') failed.push({ id: idOf(row), reason: 'decryption_failed' });
        else rewrites.push({ row, ciphertext: result.ciphertext, digests: result.digests });
      });
      const { written, collided } = await writeRewrites(client, type, rewrites, target);
      failed.push(...collided.map((rowId) => ({ id: rowId, reason: 'digest_collision' })));
      for (const row of failed) {
        out.failed++;
        a.failedIds.add(row.id);
        await deps.audit.append({ action: 'key_rotation.row_failed', outcome: 'failed', actorService: 'key-rotation', requestId: a.runId, target: row.id, reason: row.reason });
      }
      out.changed += written.size;
      // The vault changed these rows since they were read: read them again and retry.
      const moved = rewrites.map((r) => idOf(r.row)).filter((rowId) => !written.has(rowId) && !collided.includes(rowId));
      if (moved.length === 0 || attempt >= ATTEMPTS) break;
      out.retried += moved.length;
      pending = (await client.query<Row>(`SELECT ${columns} FROM ${table} WHERE ${id} = ANY($1::text[])${andHoldsCiphertext(type)} ORDER BY ${id} FOR UPDATE`, [moved])).rows;
    }
    await client.query(`UPDATE rotation_runs SET changed = changed + $2, retried = retried + $3, failed = failed + $4, updated_at = now() WHERE id = $1`, [
      a.runId,
      out.changed,
      out.retried,
      out.failed,
    ]);
    await client.query('COMMIT');
    return { cursor: idOf(rows[rows.length - 1]!), ...out };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** What of `row` is stale, with the context its ciphertext is bound to. */
function resealRequest(type: EncryptedRecordType, row: Row, target: { key: string; fingerprint: string }): ResealRequest {
  return {
    ciphertext: row[type.ciphertextColumn] as Uint8Array,
    context: encryptionContext(type, row),
    rewrap: row[type.keyVersionColumn] !== target.key,
    digests: (type.digests ?? []).filter((d) => row[d.keyVersionColumn] !== target.fingerprint).map((d) => d.name),
  };
}
