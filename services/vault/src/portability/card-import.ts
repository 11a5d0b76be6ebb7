/**
 * Imports cards from an OpenPGP-encrypted CSV file into one tenant, as a stream: the run. The file is verified
 * and copied (import-file.ts: pass 1), which names the run (tenant + sha256): a rerun of the same file resumes the
 * same run after its last committed row — no row twice, none lost — and a completed one is refused. One process at
 * a time per run (a session advisory lock held throughout). Pass 2 decrypts the copy, its rows are checked as they
 * come (import-rows.ts) and stored in batches (import-batch.ts), paced to `rowsPerSecond` so the live vault keeps
 * serving; every row is reported (import-report.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type * as openpgp from 'openpgp';
import { newId } from '../crypto/secret-hash.ts';
import type { SessionLock, TrySessionLock } from '../storage/session-lock.ts';
import type { ColumnMapping } from './card-rows.ts';
import { dryRunLines, IMPORT_ACTOR, storeBatch, type BatchDeps } from './import-batch.ts';
import { decryptCopy, verifyAndCopy } from './import-file.ts';
import { ImportRefused } from './import-refused.ts';
import { ReportFile, ReportTally, type ImportReport } from './import-report.ts';
import { importRows, type ImportRow } from './import-rows.ts';

export { ImportRefused } from './import-refused.ts';
export type { ImportReport } from './import-report.ts';

export interface ImportDeps extends BatchDeps {
  /** One process per run: the run's session lock. */
  readonly tryLock: TrySessionLock;
  readonly decryptionKeys: readonly openpgp.PrivateKey[];
}

export interface ImportOptions {
  readonly tenantId: string;
  readonly file: string;
  readonly mapping: ColumnMapping;
  readonly reportFile: string;
  readonly dryRun: boolean;
  /** Rows per second at most (0: as fast as it goes), so the live vault keeps serving. */
  readonly rowsPerSecond: number;
  readonly batchSize: number;
  readonly now?: () => Date;
}

export async function importCards(deps: ImportDeps, options: ImportOptions): Promise<ImportReport> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'vault-import-'));
  let lock: SessionLock | null = null;
  try {
    return await importFrom(deps, options, path.join(workDir, 'file.pgp'), (held) => (lock = held));
  } finally {
    (lock as SessionLock | null)?.release();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The run of this file: new, or the earlier attempt on it (resumed after its last committed row), locked. */
async function startOrResume(deps: ImportDeps, tenantId: string, fileSha256: string, hold: (lock: SessionLock) => void): Promise<{ runId: string; resumedAfter: number }> {
  const { repos } = deps.uow;
  const found = await repos.importRuns.findByFile(tenantId, fileSha256);
  if (found?.status === 'completed') throw new ImportRefused(`this file was imported into this tenant already (run ${found.id})`);
  const runId = found?.id ?? newId('imp_');
  if (!found) {
    const start = { action: 'card_import.start', outcome: 'success', actorService: IMPORT_ACTOR, requestId: runId, tenantId, target: runId } as const;
    await deps.uow.audited([start], (audited) => audited.importRuns.start(runId, tenantId, fileSha256));
  }
  // One process per run: a second import of the same file while one runs is refused.
  const lock = await deps.tryLock(`card-import|${runId}`);
  if (!lock) throw new ImportRefused(`this file is being imported into this tenant by another process (run ${runId})`);
  hold(lock);
  return { runId, resumedAfter: await repos.importRuns.rowsDone(runId) };
}

async function importFrom(deps: ImportDeps, options: ImportOptions, copy: string, hold: (lock: SessionLock) => void): Promise<ImportReport> {
  const started = Date.now();
  const now = options.now ?? (() => new Date());
  if (deps.decryptionKeys.length === 0) throw new ImportRefused('no import key: run npm run cards:import-key first');
  const fileSha256 = await verifyAndCopy(options.file, copy, deps.decryptionKeys);
  const { runId, resumedAfter } = options.dryRun ? { runId: null, resumedAfter: 0 } : await startOrResume(deps, options.tenantId, fileSha256, hold);

  const report = new ReportFile(options.reportFile, resumedAfter);
  const tally = new ReportTally();
  const seenInDryRun = new Set<string>();
  const windowStart = Date.now();
  const flush = async (rows: readonly ImportRow[]) => {
    if (rows.length === 0) return;
    if (runId) tally.count(await storeBatch(deps, options.tenantId, runId, rows, (lines) => report.write(lines)));
    else {
      const lines = dryRunLines(rows, deps.fingerprinter, options.tenantId, seenInDryRun);
      report.write(lines);
      tally.count(lines);
    }
    // Pace: never ahead of rowsPerSecond since the start of this attempt.
    if (options.rowsPerSecond > 0) {
      const due = windowStart + (tally.totals.rows / options.rowsPerSecond) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
    }
  };
  try {
    const batch: ImportRow[] = [];
    for await (const row of importRows(await decryptCopy(copy, deps.decryptionKeys), { mapping: options.mapping, after: resumedAfter, now })) {
      batch.push(row);
      if (batch.length >= options.batchSize) await flush(batch.splice(0));
    }
    await flush(batch);
  } finally {
    report.close();
  }
  if (runId) await finish(deps, options.tenantId, runId, resumedAfter + tally.totals.rows);
  return {
    runId,
    dryRun: options.dryRun,
    resumedAfter,
    ...tally.totals,
    refusedByCode: tally.refusedByCode,
    seconds: (Date.now() - started) / 1000,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/** Completes the run and audits its totals over every attempt, together. */
async function finish(deps: ImportDeps, tenantId: string, runId: string, rows: number): Promise<void> {
  await deps.uow.transaction(async (repos) => {
    const c = await repos.importRuns.complete(runId);
    await repos.audit.append({
      action: 'card_import.finish',
      outcome: 'success',
      actorService: IMPORT_ACTOR,
      requestId: runId,
      tenantId,
      target: runId,
      reason: `rows=${rows} stored=${c.stored} merged=${c.merged} refused=${c.refused}`,
    });
  });
}
