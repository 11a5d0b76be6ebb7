/**
 * The work of `npm run rotate-keys`, once main.ts has parsed and checked its arguments: reads the configuration
 * (exit 2 when invalid), rotates with a progress bar on a terminal or JSON lines otherwise, and sets the exit
 * status: 0 when every row is on the current keys, 1 when rows failed or remain.
 */
import cliProgress from 'cli-progress';
import { SqlAuditStore } from '../../vault/src/audit/audit-store.ts';
import { sqlOn } from '../../vault/src/storage/sql.ts';
import { loadConfigOrExit } from '../../vault/src/config/load-config.ts';
import { buildCrypto } from '../../vault/src/crypto/build-crypto.ts';
import { KeyVersionRepository } from '../../vault/src/key-versions/key-version-repository.ts';
import { openConfiguredDatabase } from '../../vault/src/storage/open-configured-database.ts';
import { formatReport } from './rotation-report.ts';
import { rotateKeys, type RotationProgress } from './rotate-keys.ts';

export interface RotateKeysArguments {
  readonly dryRun: boolean;
  /** 1–10 000, checked by main.ts. */
  readonly batchSize: number;
  /** 1–32, checked by main.ts. */
  readonly concurrency: number;
}

export async function runRotateKeys({ dryRun, batchSize, concurrency }: RotateKeysArguments): Promise<void> {
  const config = loadConfigOrExit(2);

  const db = await openConfiguredDatabase({ ...config, database: { ...config.database, poolMax: Math.max(config.database.poolMax, concurrency + 3) } });
  const tty = process.stdout.isTTY === true;
  const bar = tty ? new cliProgress.SingleBar({ format: 'rotating [{bar}] {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}' }, cliProgress.Presets.shades_classic) : null;
  const started = Date.now();
  let lastLine = 0;
  const onProgress = (p: RotationProgress) => {
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

  try {
    const retired = await new KeyVersionRepository(db.database.prisma).retired();
    const { envelope, fingerprinter } = buildCrypto(config.keys, retired);
    const report = await rotateKeys(
      { pool: db.database.pool, envelope, fingerprinter, audit: new SqlAuditStore(sqlOn(db.database.pool), config.audit.chains) },
      { batchSize, concurrency, dryRun, onProgress },
    );
    bar?.stop();
    if (tty) console.log(formatReport(report));
    else console.log(JSON.stringify({ event: 'key_rotation.report', ...report }));
    process.exitCode = report.failed > 0 || (!report.dryRun && report.remaining > 0) ? 1 : 0;
  } catch (err) {
    bar?.stop();
    console.error(`rotate-keys: failed (${(err as Error).name}: ${(err as Error).message}); rerun to resume`);
    process.exitCode = 1;
  } finally {
    await db.close();
  }
}
