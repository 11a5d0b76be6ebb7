/**
 * `npm run rotate-keys -- [--dry-run] [--batch-size N] [--concurrency N]`
 * Re-encrypts every record of every registered encrypted record type (cards, billing profiles, live idempotency
 * records) under the current key (VAULT_KEY_CURRENT) and recomputes card fingerprints under the current
 * fingerprint key, while the vault keeps serving. Safe to kill and rerun, and to
 * run several at once. On a terminal it shows a progress bar; otherwise it writes JSON lines.
 * Exit status: 0 when every row is on the current keys, 1 when rows failed or remain, 2 on a usage/config error.
 */
import cliProgress from 'cli-progress';
import { PrismaAuditStore } from '../../vault/src/audit/audit-store.ts';
import { loadConfigOrExit } from '../../vault/src/config/load-config.ts';
import { commandLine, usageError } from '../../vault/src/cli/command-line.ts';
import { buildCrypto } from '../../vault/src/crypto/build-crypto.ts';
import { KeyVersionRepository } from '../../vault/src/key-versions/key-version-repository.ts';
import { openConfiguredDatabase } from '../../vault/src/storage/open-configured-database.ts';
import { formatReport } from './rotation-report.ts';
import { rotateKeys, type RotationProgress } from './rotate-keys.ts';

const USAGE = [
  'usage: npm run rotate-keys -- [--dry-run] [--batch-size 200] [--concurrency 2]',
  'Re-encrypts every record still on an older key under VAULT_KEY_CURRENT (and recomputes fingerprints under',
  'VAULT_FINGERPRINT_KEY_CURRENT) while the vault serves; resumable. Exit 0 done, 1 rows failed or remain, 2 usage or configuration.',
].join('\n');
const { values } = commandLine({
  usage: USAGE,
  options: {
    'dry-run': { type: 'boolean', default: false },
    'batch-size': { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '2' },
  },
});
const batchSize = Number(values['batch-size']);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000 || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
  usageError(USAGE, '--batch-size must be 1–10000 and --concurrency 1–32');
}

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
    { pool: db.database.pool, envelope, fingerprinter, audit: new PrismaAuditStore(db.database.prisma, config.audit.chains) },
    { batchSize, concurrency, dryRun: values['dry-run'], onProgress },
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
