/**
 * The work of `npm run rotate-keys`, once main.ts has parsed and checked its arguments: reads the configuration
 * (exit 2 when invalid), rotates with a progress bar on a terminal or JSON lines otherwise, and sets the exit
 * status: 0 when every row is on the current keys, 1 when rows failed or remain, 75 when the keyring (KMS) was
 * unavailable (stopped cleanly: rerun to resume).
 */
import cliProgress from 'cli-progress';
import { SqlAuditStore, sqlOn, loadConfigOrExit, buildCrypto, ENCRYPTED_RECORD_TYPES, KeyVersionRepository, KeyringUnavailable, openConfiguredDatabase } from '../../vault/src/index.ts';
import { InThreadResealer } from './in-thread-resealer.ts';
import { KEYRING_UNAVAILABLE_EXIT, keyringUnavailableLine } from './keyring-outage.ts';
import type { Resealer } from './resealer.ts';
import { formatReport } from './rotation-report.ts';
import { rotateKeys, type RotationProgress } from './rotate-keys.ts';
import { WorkerPoolResealer } from './worker-pool-resealer.ts';

export interface RotateKeysArguments {
  readonly dryRun: boolean;
  /** 1–10 000, checked by main.ts. */
  readonly batchSize: number;
  /** 1–32, checked by main.ts. */
  readonly concurrency: number;
  /** Reseal worker threads, 0–64 (0: reseal on this thread), checked by main.ts. */
  readonly workers: number;
}

export async function runRotateKeys({ dryRun, batchSize, concurrency, workers }: RotateKeysArguments): Promise<void> {
  const config = loadConfigOrExit(2);

  const db = await openConfiguredDatabase({ ...config, database: { ...config.database, poolMax: Math.max(config.database.poolMax, concurrency + 3) } });
  const tty = process.stdout.isTTY === true;
  const bar = tty ? new cliProgress.SingleBar({ format: 'rotating [{bar}] {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}' }, cliProgress.Presets.shades_classic) : null;
  const started = Date.now();
  let lastLine = 0;
  let rowsDone = 0;
  const onProgress = (p: RotationProgress) => {
    rowsDone = p.changed;
    const rate = Math.round(p.done / Math.max(0.001, (Date.now() - started) / 1000));
    if (bar) {
      if (bar.getTotal() !== p.total) bar.start(p.total, 0, { rate });
      bar.update(p.done, { rate });
    } else if (Date.now() - lastLine > 1_000 || p.done === p.total) {
      lastLine = Date.now();
      const secondsLeft = rate > 0 ? Math.round((p.total - p.done) / rate) : null;
      console.log(JSON.stringify({ event: 'key_rotation.progress', ...p, rowsPerSecond: rate, secondsLeft }));
    }
  };

  let workerPool: WorkerPoolResealer | null = null;
  try {
    const retired = await new KeyVersionRepository(sqlOn(db.database.pool), ENCRYPTED_RECORD_TYPES).retired();
    // With workers, only they load the keys (each from this configuration); a key that does not load fails their start.
    let resealer: Resealer;
    if (workers > 0 && !dryRun) resealer = workerPool = await WorkerPoolResealer.start({ keys: config.keys, retired, workers });
    else {
      const { envelope, fingerprinter } = buildCrypto(config.keys, retired);
      resealer = new InThreadResealer(envelope, fingerprinter);
    }
    const report = await rotateKeys(
      { pool: db.database.pool, resealer, audit: new SqlAuditStore(sqlOn(db.database.pool), config.audit.chains) },
      { batchSize, concurrency, dryRun, onProgress },
    );
    bar?.stop();
    if (tty) console.log(formatReport(report));
    else console.log(JSON.stringify({ event: 'key_rotation.report', ...report }));
    process.exitCode = report.failed > 0 || (!report.dryRun && report.remaining > 0) ? 1 : 0;
  } catch (err) {
    bar?.stop();
    if (err instanceof KeyringUnavailable) {
      // Not the data's fault: no row was marked failed for it, and a rerun once KMS answers takes up the rest.
      console.error(keyringUnavailableLine(err, rowsDone));
      process.exitCode = KEYRING_UNAVAILABLE_EXIT;
    } else {
      console.error(`rotate-keys: failed (${(err as Error).name}: ${(err as Error).message}); rerun to resume`);
      process.exitCode = 1;
    }
  } finally {
    await workerPool?.close();
    await db.close();
  }
}
