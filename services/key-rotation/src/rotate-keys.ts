import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { AuditStore } from '../../vault/src/audit/audit-store.ts';
import { billingProfileContext } from '../../vault/src/billing-profiles/billing-profile-secret.ts';
import { openPan, sealPan } from '../../vault/src/cards/card-secret.ts';
import { DecryptionFailed, type Envelope } from '../../vault/src/crypto/envelope.ts';
import type { Fingerprinter } from '../../vault/src/crypto/fingerprint.ts';
import { isUniqueViolation } from '../../vault/src/storage/database-errors.ts';
import type { RotationReport, VersionCounts } from './rotation-report.ts';

export interface RotationDeps {
  readonly pool: pg.Pool;
  readonly envelope: Envelope;
  readonly fingerprinter: Fingerprinter;
  readonly audit: AuditStore;
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
  readonly beforeWrite?: (table: Table, ids: readonly string[]) => Promise<void>;
}

export type Table = 'cards' | 'billing_profiles';

interface Row {
  id: string;
  tenant_id: string;
  user_id: string;
  ciphertext: Buffer;
  key_version: string;
  version: number;
  fingerprint_key_version?: string;
}

/** Advisory-lock namespace for "this rotation run's process is alive". */
const RUN_LOCK_NAMESPACE = 0x524f54; // 'ROT'

/**
 * Re-encrypts every card and billing profile not yet under the current wrapping key (and recomputes card
 * fingerprints not yet under the current fingerprint key), online:
 * - each batch is one transaction that claims its rows with FOR UPDATE SKIP LOCKED, so several workers and several
 *   job processes never take the same row, and live requests wait on a claimed row instead of losing an update;
 * - each row is written back only if its version is still the one read (optimistic check; a row whose version
 *   moved is re-read and retried), with version + 1 so live writers see the change;
 * - the run's counts are updated in the batch's own transaction, so a killed run leaves exactly its committed
 *   batches done, and a rerun picks up every row still on an old key;
 * - plaintext never leaves process memory; failures are audited by row id only.
 */
export async function rotateKeys(deps: RotationDeps, options: RotationOptions): Promise<RotationReport> {
  const started = Date.now();
  const targetKey = deps.envelope.currentKeyVersion;
  const targetFp = deps.fingerprinter.keyVersion;
  const before = await countVersions(deps.pool);
  const pending = await countPending(deps.pool, targetKey, targetFp);
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

    const failedIds = new Set<string>();
    const report = () => options.onProgress?.({ done: totals.changed + totals.failed, total: pending, ...totals });
    const worker = async (table: Table, skipLocked: boolean) => {
      let cursor = '';
      for (;;) {
        const batch = await rotateBatch(deps, table, { cursor, skipLocked, batchSize: options.batchSize, targetKey, targetFp, runId, failedIds, beforeWrite: options.beforeWrite });
        if (!batch) return;
        cursor = batch.cursor;
        totals.changed += batch.changed;
        totals.retried += batch.retried;
        totals.failed += batch.failed;
        report();
      }
    };
    for (const table of ['cards', 'billing_profiles'] as const) {
      await Promise.all(Array.from({ length: options.concurrency }, () => worker(table, true)));
      // One last pass that waits for rows live traffic held during the parallel pass.
      await worker(table, false);
    }

    const after = await countVersions(deps.pool);
    const remaining = await countPending(deps.pool, targetKey, targetFp);
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

async function rotateBatch(deps: RotationDeps, table: Table, a: BatchArgs): Promise<{ cursor: string; changed: number; retried: number; failed: number } | null> {
  const client = await deps.pool.connect();
  const out = { changed: 0, retried: 0, failed: 0 };
  try {
    await client.query('BEGIN');
    const cards = table === 'cards';
    const stale = cards ? `(key_version <> $4 OR fingerprint_key_version <> $5)` : `key_version <> $4`;
    const columns = `id, tenant_id, user_id, ciphertext, key_version, version${cards ? ', fingerprint_key_version' : ''}`;
    const { rows } = await client.query<Row>(
      `SELECT ${columns} FROM ${table}
        WHERE id > $1 AND ${stale} AND NOT (id = ANY($3::text[]))
        ORDER BY id LIMIT $2 FOR UPDATE${a.skipLocked ? ' SKIP LOCKED' : ''}`,
      [a.cursor, a.batchSize, [...a.failedIds], a.targetKey, ...(cards ? [a.targetFp] : [])],
    );
    if (rows.length === 0) {
      await client.query('COMMIT');
      return null;
    }
    await a.beforeWrite?.(table, rows.map((r) => r.id));
    for (let row of rows) {
      for (let attempt = 1; ; attempt++) {
        const result = await rewriteRow(deps, client, table, row, a);
        if (result === 'changed') out.changed++;
        if (result === 'failed') {
          out.failed++;
          a.failedIds.add(row.id);
          await deps.audit.append({ action: 'key_rotation.row_failed', outcome: 'failed', actorService: 'key-rotation', requestId: a.runId, target: row.id, reason: 'decryption_failed' });
        }
        if (result !== 'version_moved') break;
        // The vault changed the row since it was read: re-read it and try again.
        out.retried++;
        const reread = await client.query<Row>(`SELECT ${columns} FROM ${table} WHERE id = $1 FOR UPDATE`, [row.id]);
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
    return { cursor: rows[rows.length - 1]!.id, ...out };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

async function rewriteRow(deps: RotationDeps, client: pg.PoolClient, table: Table, row: Row, a: BatchArgs): Promise<'changed' | 'version_moved' | 'failed'> {
  const place = { id: row.id, tenantId: row.tenant_id, userId: row.user_id, ciphertext: row.ciphertext };
  try {
    if (table === 'billing_profiles') {
      const context = billingProfileContext(place);
      const plaintext = await deps.envelope.decrypt(row.ciphertext, context);
      const sealed = await deps.envelope.encrypt(plaintext, context);
      plaintext.fill(0);
      const res = await client.query(
        `UPDATE billing_profiles SET ciphertext = $3, key_version = $4, version = version + 1, updated_at = now() WHERE id = $1 AND version = $2`,
        [row.id, row.version, Buffer.from(sealed.ciphertext), sealed.keyVersion],
      );
      return res.rowCount === 1 ? 'changed' : 'version_moved';
    }
    const pan = await openPan(deps.envelope, place);
    const sealed = row.key_version === a.targetKey ? null : await sealPan(deps.envelope, place, pan);
    const fingerprint = row.fingerprint_key_version === a.targetFp ? null : deps.fingerprinter.fingerprint(row.tenant_id, pan);
    await client.query('SAVEPOINT row_write');
    try {
      const res = await client.query(
        `UPDATE cards SET
           ciphertext = COALESCE($3, ciphertext), key_version = COALESCE($4, key_version),
           fingerprint = COALESCE($5, fingerprint), fingerprint_key_version = COALESCE($6, fingerprint_key_version),
           version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2`,
        [row.id, row.version, sealed ? Buffer.from(sealed.ciphertext) : null, sealed?.keyVersion ?? null, fingerprint, fingerprint ? a.targetFp : null],
      );
      await client.query('RELEASE SAVEPOINT row_write');
      return res.rowCount === 1 ? 'changed' : 'version_moved';
    } catch (err) {
      await client.query('ROLLBACK TO SAVEPOINT row_write');
      // The owner already holds this PAN under the new fingerprint (a duplicate stored before rotation).
      if (isUniqueViolation(err)) return 'failed';
      throw err;
    }
  } catch (err) {
    if (err instanceof DecryptionFailed) return 'failed';
    throw err;
  }
}

async function countPending(pool: pg.Pool, targetKey: string, targetFp: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM cards WHERE key_version <> $1 OR fingerprint_key_version <> $2)::int
          + (SELECT count(*) FROM billing_profiles WHERE key_version <> $1)::int AS n`,
    [targetKey, targetFp],
  );
  return rows[0]!.n;
}

export async function countVersions(pool: pg.Pool): Promise<VersionCounts> {
  const group = async (sql: string) =>
    Object.fromEntries((await pool.query<{ v: string; n: number }>(sql)).rows.map((r) => [r.v, r.n])) as Record<string, number>;
  const [cards, cardFingerprints, billingProfiles] = await Promise.all([
    group('SELECT key_version AS v, count(*)::int AS n FROM cards GROUP BY 1 ORDER BY 1'),
    group('SELECT fingerprint_key_version AS v, count(*)::int AS n FROM cards GROUP BY 1 ORDER BY 1'),
    group('SELECT key_version AS v, count(*)::int AS n FROM billing_profiles GROUP BY 1 ORDER BY 1'),
  ]);
  return { cards, cardFingerprints, billingProfiles };
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
