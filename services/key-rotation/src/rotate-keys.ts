import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { AuditStore } from '../../vault/src/audit/audit-store.ts';
import { DecryptionFailed, type Envelope } from '../../vault/src/crypto/envelope.ts';
import type { Fingerprinter } from '../../vault/src/crypto/fingerprint.ts';
import { encryptionContext, type EncryptedRecordType } from '../../vault/src/encrypted-records/encrypted-record-type.ts';
import { andHoldsCiphertext, quoted, whereHoldsCiphertext } from '../../vault/src/encrypted-records/record-sql.ts';
import { ENCRYPTED_RECORD_TYPES } from '../../vault/src/encrypted-records/registry.ts';
import { isUniqueViolation } from '../../vault/src/storage/database-errors.ts';
import type { RotationReport, VersionCounts } from './rotation-report.ts';
import { rotationColumns, SqlParams, staleWhere, unchangedSince } from './rotation-sql.ts';

export interface RotationDeps {
  readonly pool: pg.Pool;
  readonly envelope: Envelope;
  readonly fingerprinter: Fingerprinter;
  readonly audit: AuditStore;
  /** The tables to rotate: every registered encrypted record type unless a test adds its own. */
  readonly recordTypes?: readonly EncryptedRecordType[];
}

export interface RotationProgress {
  readonly done: number;
  readonly total: number;
  readonly changed: number;
  readonly retried: number;
  readonly failed: number;
}

export interface RotationOptions {
  readonly batchSize: number;
  readonly concurrency: number;
  readonly dryRun: boolean;
  readonly onProgress?: (progress: RotationProgress) => void;
  /** Test seam: runs after a batch is read and locked, before any row of it is written. */
  readonly beforeWrite?: (recordType: string, ids: readonly string[]) => Promise<void>;
}

/** A row as rotation reads it: column name → value (see `rotationColumns`). */
type Row = Readonly<Record<string, unknown>>;

/** Advisory-lock namespace for "this rotation run's process is alive". */
const RUN_LOCK_NAMESPACE = 0x524f54; // 'ROT'

/**
 * Re-encrypts every row of every registered encrypted record type (cards, billing profiles, live idempotency
 * records, …) not yet under the current wrapping key, and recomputes keyed digests (card fingerprints) not yet
 * under the current fingerprint key, online:
 * - each batch is one transaction that claims its rows with FOR UPDATE SKIP LOCKED, so several workers and several
 *   job processes never take the same row, and live requests wait on a claimed row instead of losing an update;
 * - each row is written back only if its version is still the one read (optimistic check; a row whose version
 *   moved is re-read and retried), with version + 1 so live writers see the change (a table with no row version:
 *   only if its key versions are still the ones read);
 * - the run's counts are updated in the batch's own transaction, so a killed run leaves exactly its committed
 *   batches done, and a rerun picks up every row still on an old key;
 * - plaintext never leaves process memory; failures are audited by row id only.
 */
export async function rotateKeys(deps: RotationDeps, options: RotationOptions): Promise<RotationReport> {
  const started = Date.now();
  const targetKey = deps.envelope.currentKeyVersion;
  const targetFp = deps.fingerprinter.keyVersion;
  const recordTypes = deps.recordTypes ?? ENCRYPTED_RECORD_TYPES;
  const before = await countVersions(deps.pool, recordTypes);
  const pending = await countPending(deps.pool, recordTypes, targetKey, targetFp);
  const base = { dryRun: options.dryRun, targetKeyVersion: targetKey, targetFingerprintVersion: targetFp, pending, before };
  if (options.dryRun) {
    return { ...base, runId: null, after: before, changed: 0, retried: 0, failed: 0, remaining: pending, abandonedRuns: [], durationMs: Date.now() - started, rowsPerSecond: 0 };
  }

  const runId = `rot_${randomUUID()}`;
  const lock = await deps.pool.connect();
  const totals = { changed: 0, retried: 0, failed: 0 };
  try {
    await lock.query('SELECT pg_advisory_lock($1, hashtext($2))', [RUN_LOCK_NAMESPACE, runId]);
    const abandonedRuns = await markAbandonedRuns(deps.pool);
    await deps.pool.query(
      `INSERT INTO rotation_runs (id, status, dry_run, target_key_version, target_fingerprint_version) VALUES ($1, 'running', false, $2, $3)`,
      [runId, targetKey, targetFp],
    );
    const runEvent = { actorService: 'key-rotation', requestId: runId, target: runId } as const;
    await deps.audit.append({ ...runEvent, action: 'key_rotation.start', outcome: 'success', reason: `to=${targetKey} fingerprint=${targetFp} pending=${pending}` });

    const report = () => options.onProgress?.({ done: totals.changed + totals.failed, total: pending, ...totals });
    for (const type of recordTypes) {
      const failedIds = new Set<string>();
      const worker = async (skipLocked: boolean) => {
        let cursor = '';
        for (;;) {
          const batch = await rotateBatch(deps, type, { cursor, skipLocked, batchSize: options.batchSize, targetKey, targetFp, runId, failedIds, beforeWrite: options.beforeWrite });
          if (!batch) return;
          cursor = batch.cursor;
          totals.changed += batch.changed;
          totals.retried += batch.retried;
          totals.failed += batch.failed;
          report();
        }
      };
      await Promise.all(Array.from({ length: options.concurrency }, () => worker(true)));
      // One last pass that waits for rows live traffic held during the parallel pass.
      await worker(false);
    }

    const after = await countVersions(deps.pool, recordTypes);
    const remaining = await countPending(deps.pool, recordTypes, targetKey, targetFp);
    const durationMs = Date.now() - started;
    await deps.pool.query(`UPDATE rotation_runs SET status = 'finished', finished_at = now() WHERE id = $1`, [runId]);
    await deps.audit.append({
      ...runEvent,
      action: 'key_rotation.end',
      outcome: totals.failed ? 'failed' : 'success',
      reason: `changed=${totals.changed} retried=${totals.retried} failed=${totals.failed} remaining=${remaining}`,
    });
    return { ...base, runId, after, ...totals, remaining, abandonedRuns, durationMs, rowsPerSecond: totals.changed / (durationMs / 1000) };
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1, hashtext($2))', [RUN_LOCK_NAMESPACE, runId]).catch(() => {});
    lock.release();
  }
}

interface BatchArgs {
  readonly cursor: string;
  readonly skipLocked: boolean;
  readonly batchSize: number;
  readonly targetKey: string;
  readonly targetFp: string;
  readonly runId: string;
  readonly failedIds: Set<string>;
  readonly beforeWrite?: RotationOptions['beforeWrite'];
}

async function rotateBatch(deps: RotationDeps, type: EncryptedRecordType, a: BatchArgs): Promise<{ cursor: string; changed: number; retried: number; failed: number } | null> {
  const client = await deps.pool.connect();
  const out = { changed: 0, retried: 0, failed: 0 };
  const [table, id, columns] = [quoted(type.table), quoted(type.idColumn), rotationColumns(type)];
  try {
    await client.query('BEGIN');
    const p = new SqlParams();
    const { rows } = await client.query<Row>(
      `SELECT ${columns} FROM ${table}
        WHERE ${id} > ${p.add(a.cursor)} AND ${staleWhere(type, p, a.targetKey, a.targetFp)} AND NOT (${id} = ANY(${p.add([...a.failedIds])}::text[]))
        ORDER BY ${id} LIMIT ${p.add(a.batchSize)} FOR UPDATE${a.skipLocked ? ' SKIP LOCKED' : ''}`,
      p.values,
    );
    if (rows.length === 0) {
      await client.query('COMMIT');
      return null;
    }
    const idOf = (row: Row) => String(row[type.idColumn]);
    await a.beforeWrite?.(type.name, rows.map(idOf));
    for (let row of rows) {
      for (let attempt = 1; ; attempt++) {
        const result = await rewriteRow(deps, client, type, row, a);
        if (result === 'changed') out.changed++;
        if (result === 'failed') {
          out.failed++;
          a.failedIds.add(idOf(row));
          await deps.audit.append({ action: 'key_rotation.row_failed', outcome: 'failed', actorService: 'key-rotation', requestId: a.runId, target: idOf(row), reason: 'decryption_failed' });
        }
        if (result !== 'version_moved') break;
        // The vault changed the row since it was read: re-read it and try again.
        out.retried++;
        const reread = await client.query<Row>(`SELECT ${columns} FROM ${table} WHERE ${id} = $1${andHoldsCiphertext(type)} FOR UPDATE`, [idOf(row)]);
        if (!reread.rows[0] || attempt >= 3) break;
        row = reread.rows[0];
      }
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

/**
 * Opens the row's ciphertext with the context the type binds it to, re-seals it under the current key and
 * recomputes each keyed digest not under the current fingerprint key; writes back only if the row is unchanged.
 */
async function rewriteRow(deps: RotationDeps, client: pg.PoolClient, type: EncryptedRecordType, row: Row, a: BatchArgs): Promise<'changed' | 'version_moved' | 'failed'> {
  const context = encryptionContext(type, row);
  let plaintext: Uint8Array;
  try {
    plaintext = await deps.envelope.decrypt(row[type.ciphertextColumn] as Uint8Array, context);
  } catch (err) {
    if (err instanceof DecryptionFailed) return 'failed';
    throw err;
  }
  const p = new SqlParams();
  const assignments: string[] = [];
  let writesDigest = false;
  try {
    if (row[type.keyVersionColumn] !== a.targetKey) {
      const sealed = await deps.envelope.encrypt(plaintext, context);
      assignments.push(`${quoted(type.ciphertextColumn)} = ${p.add(Buffer.from(sealed.ciphertext))}`, `${quoted(type.keyVersionColumn)} = ${p.add(sealed.keyVersion)}`);
    }
    for (const digest of type.digests ?? []) {
      if (row[digest.keyVersionColumn] === a.targetFp) continue;
      assignments.push(`${quoted(digest.column)} = ${p.add(digest.compute(deps.fingerprinter, context, plaintext))}`, `${quoted(digest.keyVersionColumn)} = ${p.add(a.targetFp)}`);
      writesDigest = true;
    }
  } finally {
    plaintext.fill(0);
  }
  if (type.rowVersionColumn) assignments.push(`${quoted(type.rowVersionColumn)} = ${quoted(type.rowVersionColumn)} + 1`);
  if (type.updatedAtColumn) assignments.push(`${quoted(type.updatedAtColumn)} = now()`);
  // Already on the current keys (moved by someone else since it was read) and nothing to bump: nothing to write.
  if (assignments.length === 0) return 'changed';
  const update = `UPDATE ${quoted(type.table)} SET ${assignments.join(', ')} WHERE ${quoted(type.idColumn)} = ${p.add(row[type.idColumn])} AND ${unchangedSince(type, p, row)}`;
  // A digest may collide with one the owner already holds (a duplicate stored before rotation): only that row fails.
  if (writesDigest) await client.query('SAVEPOINT row_write');
  try {
    const res = await client.query(update, p.values);
    if (writesDigest) await client.query('RELEASE SAVEPOINT row_write');
    return res.rowCount === 1 ? 'changed' : 'version_moved';
  } catch (err) {
    if (!writesDigest) throw err;
    await client.query('ROLLBACK TO SAVEPOINT row_write');
    if (isUniqueViolation(err)) return 'failed';
    throw err;
  }
}

async function countPending(pool: pg.Pool, recordTypes: readonly EncryptedRecordType[], targetKey: string, targetFp: string): Promise<number> {
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

/** Runs still marked running whose process is gone (its advisory lock is free) become `abandoned`. */
async function markAbandonedRuns(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(`SELECT id FROM rotation_runs WHERE status = 'running'`);
  const abandoned: string[] = [];
  for (const { id } of rows) {
    const client = await pool.connect();
    try {
      const { rows: got } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [RUN_LOCK_NAMESPACE, id]);
      if (got[0]?.ok) {
        await client.query(`UPDATE rotation_runs SET status = 'abandoned', finished_at = now() WHERE id = $1 AND status = 'running'`, [id]);
        await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [RUN_LOCK_NAMESPACE, id]);
        abandoned.push(id);
      }
    } finally {
      client.release();
    }
  }
  return abandoned;
}
