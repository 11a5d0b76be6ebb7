import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { type AuditStore, type Envelope, type Fingerprinter, type EncryptedRecordType, ENCRYPTED_RECORD_TYPES } from '../../vault/src/index.ts';
import { InThreadResealer } from './in-thread-resealer.ts';
import type { Resealer } from './resealer.ts';
import { rotateBatch, type BatchArgs } from './rotate-batch.ts';
import { countPending, countVersions } from './rotation-counts.ts';
import type { RotationReport } from './rotation-report.ts';

/**
 * What the job works with. Rows are resealed by `resealer` (the command's: worker threads), or on this thread
 * with `envelope` and `fingerprinter`.
 */
export type RotationDeps = {
  readonly pool: pg.Pool;
  readonly audit: AuditStore;
  /** The tables to rotate: every registered encrypted record type unless a test adds its own. */
  readonly recordTypes?: readonly EncryptedRecordType[];
} & ({ readonly resealer: Resealer } | { readonly envelope: Envelope; readonly fingerprinter: Fingerprinter });

export interface RotationProgress {
  readonly done: number;
  readonly total: number;
  readonly changed: number;
  readonly retried: number;
  readonly failed: number;
}

export interface RotationOptions {
  readonly batchSize: number;
  /** Batches in flight at once, each its own transaction (and connection). */
  readonly concurrency: number;
  readonly dryRun: boolean;
  readonly onProgress?: (progress: RotationProgress) => void;
  /** Test seam: runs after a batch is read and locked, before any row of it is written. */
  readonly beforeWrite?: BatchArgs['beforeWrite'];
}

/** Advisory-lock namespace for "this rotation run's process is alive". */
const RUN_LOCK_NAMESPACE = 0x524f54; // 'ROT'

/**
 * Re-encrypts every row of every registered encrypted record type (cards, billing profiles, live idempotency
 * records, …) not yet under the current wrapping key, and recomputes keyed digests (card fingerprints) not yet
 * under the current fingerprint key, online:
 * - each batch is one transaction that claims its rows with FOR UPDATE SKIP LOCKED, so several batches and several
 *   job processes never take the same row, and live requests wait on a claimed row instead of losing an update;
 * - a batch is resealed in one call (on worker threads with the command's resealer) and written back in one
 *   statement, each row only if its version is still the one read (a row whose version moved is re-read and
 *   retried), with version + 1 so live writers see the change (a table with no row version: only if its key
 *   versions are still the ones read);
 * - the run's counts are updated in the batch's own transaction, so a killed run leaves exactly its committed
 *   batches done, and a rerun picks up every row still on an old key;
 * - plaintext never leaves the resealer; failures are audited by row id only.
 * A batch that throws (keyring outage, a reseal worker that died) rolls back; the job waits for the batches in
 * flight, then throws, and its run is marked abandoned by the next one.
 */
export async function rotateKeys(deps: RotationDeps, options: RotationOptions): Promise<RotationReport> {
  const started = Date.now();
  const resealer = 'resealer' in deps ? deps.resealer : new InThreadResealer(deps.envelope, deps.fingerprinter);
  const targetKey = resealer.keyVersion;
  const targetFp = resealer.fingerprintVersion;
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

    const batchDeps = { pool: deps.pool, resealer, audit: deps.audit };
    const report = () => options.onProgress?.({ done: totals.changed + totals.failed, total: pending, ...totals });
    let stopped = false;
    for (const type of recordTypes) {
      const failedIds = new Set<string>();
      const pass = async (skipLocked: boolean) => {
        let cursor = '';
        while (!stopped) {
          const batch = await rotateBatch(batchDeps, type, { cursor, skipLocked, batchSize: options.batchSize, runId, failedIds, beforeWrite: options.beforeWrite }).catch((err: unknown) => {
            stopped = true; // the other passes claim no further batch
            throw err;
          });
          if (!batch) return;
          cursor = batch.cursor;
          totals.changed += batch.changed;
          totals.retried += batch.retried;
          totals.failed += batch.failed;
          report();
        }
      };
      await allSettledOrThrow(Array.from({ length: options.concurrency }, () => pass(true)));
      // One last pass that waits for rows live traffic held during the parallel passes.
      await pass(false);
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

/** Waits for every pass to end (none is left writing when the job stops), then throws the first failure. */
async function allSettledOrThrow(passes: Promise<void>[]): Promise<void> {
  const failure = (await Promise.allSettled(passes)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
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
