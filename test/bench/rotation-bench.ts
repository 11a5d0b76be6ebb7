/**
 * 100,000 cards (and 2,000 billing profiles) written under v1, then `npm run rotate-keys` to v2 as its own
 * process with 1 and with 2 reseal worker threads, beside the floor of what each row needs — one ESDK decrypt and
 * one encrypt with the vault's envelope, on one core — measured in this run. Between the two runs the rows are
 * rotated back to v1 (the same work; not reported).
 */
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { cryptoAt, seedUnderV1 } from '../support/rotation-fixtures.ts';
import { scratchDatabase } from '../support/test-database.ts';
import { envWithoutVaultSettings } from '../support/run-script.ts';

const ROWS = Number(process.env['BENCH_ROTATION_ROWS'] ?? 100_000);
const WORKERS = [1, 2];

/**
 * Rows per second of one ESDK decrypt + encrypt with the vault's envelope, one after another on this thread (one
 * core), once warm: the first ~3,000 run slower while V8 optimises the SDK (as in each reseal worker, whose
 * warm-up the rotation figures include).
 */
async function esdkFloor(): Promise<number> {
  const { envelope } = cryptoAt('v2');
  const context = { purpose: 'card', tenant: 'rot-t3', owner: 'rot-u12345', record: 'card_01JD3Z8W7Q2XKQ0M4V9Y6T5R3N' };
  const sealed = await envelope.encrypt(Buffer.from('{"v":1,"number":"4242424242424242"}'), context);
  const rows = async (n: number) => {
    for (let i = 0; i < n; i++) await envelope.encrypt(await envelope.decrypt(sealed.ciphertext, context), context);
  };
  await rows(3_000);
  const t0 = process.hrtime.bigint();
  await rows(3_000);
  return 3_000 / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/** `npm run rotate-keys` as its own process (default batch size and concurrency); its JSON report. */
function rotate(url: string, to: 'v1' | 'v2', workers: number): { rowsPerSecond: number; changed: number; failed: number; seconds: number } {
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'services/key-rotation/src/main.ts', '--workers', String(workers)], {
    cwd: REPO_ROOT,
    env: { ...envWithoutVaultSettings(), DATABASE_URL: url, VAULT_KEY_CURRENT: to, VAULT_FINGERPRINT_KEY_CURRENT: to },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = run.stdout.split('\n').filter((l) => l.includes('"key_rotation.report"')).pop();
  if (run.status !== 0 || !line) throw new Error(`rotate-keys to ${to} failed: ${run.stderr}`);
  return { ...JSON.parse(line), seconds: (Date.now() - started) / 1000 };
}

export async function benchRotation(): Promise<void> {
  const floorPerSecond = await esdkFloor();
  const scratch = await scratchDatabase();
  const pool = new pg.Pool({ connectionString: scratch.url, max: 4 });
  try {
    console.log(`\nkey rotation: seeding ${ROWS} cards under v1 …`);
    const { profiles } = await seedUnderV1(pool, ROWS);
    console.log(`${'floor: ESDK decrypt + encrypt, 1 core'.padEnd(44)} ${floorPerSecond.toFixed(0).padStart(7)}/s`);
    for (const workers of WORKERS) {
      if (workers !== WORKERS[0]) rotate(scratch.url, 'v1', Math.max(...WORKERS));
      const report = rotate(scratch.url, 'v2', workers);
      console.log(
        `${`rotate-keys --workers ${workers}`.padEnd(44)} ${report.rowsPerSecond.toFixed(0).padStart(7)}/s   ratio to the 1-core floor ${(report.rowsPerSecond / floorPerSecond).toFixed(2)}   (${report.changed} rows: ${ROWS} cards + ${profiles} profiles; ${report.seconds.toFixed(1)} s with start-up; ${report.failed} failed)`,
      );
    }
  } finally {
    await pool.end();
    await scratch.drop();
  }
}
