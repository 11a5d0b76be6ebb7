/**
 * 100,000 cards (and 2,000 billing profiles) written under v1, then `npm run rotate-keys` to v2 as its own
 * process, beside the floor of what each row needs — one ESDK decrypt and one encrypt — measured in this run.
 */
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { cryptoAt, seedUnderV1 } from '../support/rotation-fixtures.ts';
import { scratchDatabase } from '../support/test-database.ts';
import { envWithoutVaultSettings } from '../support/run-script.ts';

const ROWS = Number(process.env['BENCH_ROTATION_ROWS'] ?? 100_000);

export async function benchRotation(): Promise<void> {
  const { envelope } = cryptoAt('v2');
  const context = { purpose: 'card', tenant: 't', owner: 'u', record: 'card_x' };
  const sealed = await envelope.encrypt(Buffer.from('{"v":1,"number":"4242424242424242"}'), context);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 1_000; i++) await envelope.encrypt(await envelope.decrypt(sealed.ciphertext, context), context);
  const floorPerSecond = 1_000 / (Number(process.hrtime.bigint() - t0) / 1e9);

  const scratch = await scratchDatabase();
  const pool = new pg.Pool({ connectionString: scratch.url, max: 4 });
  try {
    console.log(`\nkey rotation: seeding ${ROWS} cards under v1 …`);
    const { profiles } = await seedUnderV1(pool, ROWS);
    const clean = envWithoutVaultSettings();
    for (const concurrency of [1, 2]) {
      const started = Date.now();
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'services/key-rotation/src/main.ts', '--batch-size', '500', '--concurrency', String(concurrency)], {
        cwd: REPO_ROOT,
        env: { ...clean, DATABASE_URL: scratch.url, VAULT_KEY_CURRENT: 'v2', VAULT_FINGERPRINT_KEY_CURRENT: 'v2' },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      const line = run.stdout.split('\n').filter((l) => l.includes('"key_rotation.report"')).pop();
      if (run.status !== 0 || !line) throw new Error(`rotate-keys failed: ${run.stderr}`);
      const report = JSON.parse(line);
      const seconds = (Date.now() - started) / 1000;
      console.log(`${'floor: ESDK decrypt + encrypt, 1 core'.padEnd(44)} ${floorPerSecond.toFixed(0).padStart(7)}/s`);
      console.log(
        `${`rotate-keys --concurrency ${concurrency}`.padEnd(44)} ${report.rowsPerSecond.toFixed(0).padStart(7)}/s   (${report.changed} rows: ${ROWS} cards + ${profiles} profiles; ${seconds.toFixed(1)} s with start-up; ${report.failed} failed)`,
      );
      console.log(`ratio: rotation rows/s ÷ floor/s = ${(report.rowsPerSecond / floorPerSecond).toFixed(3)}`);
      // Back to v1 for the next setting: rotate to v1 is the same work.
      if (concurrency === 1) {
        const back = spawnSync(process.execPath, ['--import', 'tsx', 'services/key-rotation/src/main.ts', '--batch-size', '500'], {
          cwd: REPO_ROOT,
          env: { ...clean, DATABASE_URL: scratch.url, VAULT_KEY_CURRENT: 'v1', VAULT_FINGERPRINT_KEY_CURRENT: 'v1' },
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        });
        if (back.status !== 0) throw new Error('rotation back to v1 failed');
      }
    }
  } finally {
    await pool.end();
    await scratch.drop();
  }
}
