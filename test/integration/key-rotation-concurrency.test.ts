import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { rotateKeys } from '../../services/key-rotation/src/rotate-keys.ts';
import { SqlAuditStore } from '../../services/vault/src/audit/audit-store.ts';
import { sqlOn } from '../../services/vault/src/storage/sql.ts';
import { openPan } from '../../services/vault/src/cards/card-secret.ts';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { openDatabase, type Database } from '../../services/vault/src/storage/database.ts';
import { cryptoAt, useSeededTemplate, type SeededCard } from '../support/rotation-fixtures.ts';
import { envWithoutVaultSettings } from '../support/run-script.ts';

const ROTATE_ENV = { VAULT_KEY_CURRENT: 'v2', VAULT_FINGERPRINT_KEY_CURRENT: 'v2' };

/** Runs the job as its own process; optionally SIGKILLs it `killAfterMs` after it starts writing. */
function runJob(url: string, args: string[], killAfterMs?: number): Promise<{ code: number | null; signal: string | null; stdout: string }> {
  const clean = envWithoutVaultSettings();
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/key-rotation/src/main.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...clean, ...ROTATE_ENV, DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (killAfterMs !== undefined && stdout.includes('key_rotation.progress')) {
      setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      killAfterMs = undefined;
    }
  });
  child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stdout })));
}

async function expectAllOnV2(db: Database, cards: readonly SeededCard[]) {
  const v2 = cryptoAt('v2');
  const { rows } = await db.pool.query<{ id: string; tenant_id: string; user_id: string; ciphertext: Buffer; key_version: string; fingerprint_key_version: string }>(
    'SELECT id, tenant_id, user_id, ciphertext, key_version, fingerprint_key_version FROM cards',
  );
  expect(rows).toHaveLength(cards.length);
  const byId = new Map(cards.map((c) => [c.id, c]));
  for (const row of rows) {
    expect([row.key_version, row.fingerprint_key_version]).toEqual(['v2', 'v2']);
    expect((await openPan(v2.envelope, { id: row.id, tenantId: row.tenant_id, userId: row.user_id, ciphertext: row.ciphertext })).reveal()).toBe(byId.get(row.id)!.pan);
  }
  const profiles = await db.pool.query(`SELECT count(*)::int AS n FROM billing_profiles WHERE key_version <> 'v2'`);
  expect(profiles.rows[0].n).toBe(0);
}

/**
 * Why this file is slow (about 20 s of CPU): a crash can only be shown on a real process, so each seed starts the
 * job as its own process and SIGKILLs it; everything else runs in this process. The seeded rows are encrypted once
 * (a template database) and copied per test.
 */
const SEEDED = 1_000;
const seededRows = useSeededTemplate(SEEDED);

/** A copy of the seeded database, open, dropped when `body` ends. */
const withSeededCopy = (body: (db: Database, url: string) => Promise<void>): Promise<void> => seededRows.withCopy(4, body);

const rotationDeps = (db: Database) => {
  const v2 = cryptoAt('v2');
  return { pool: db.pool, envelope: v2.envelope, fingerprinter: v2.fingerprinter, audit: new SqlAuditStore(sqlOn(db.pool), 2) };
};

describe('crash safety: SIGKILL at a random point, then rerun', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: every row ends on v2, decrypting, none lost or duplicated`, async () => {
      await withSeededCopy(async (db, url) => {
        // A deterministic "random" point per seed: 50–650 ms after the first progress line.
        const killAfter = ((seed * 7919) % 13) * 50 + 50;
        const killed = await runJob(url, ['--batch-size', '50', '--concurrency', '2'], killAfter);
        expect(killed.signal).toBe('SIGKILL');
        const midway = await db.pool.query(`SELECT count(*) FILTER (WHERE key_version = 'v2')::int AS done FROM cards`);
        expect(midway.rows[0].done).toBeLessThan(SEEDED); // it really died mid-run

        // The rerun need not be a process of its own: what it must find is what the killed one left.
        const report = await rotateKeys(rotationDeps(db), { batchSize: 50, concurrency: 2, dryRun: false });
        expect(report.abandonedRuns).toHaveLength(1);
        expect(report.changed).toBe(report.pending);
        expect(report.remaining).toBe(0);
        await expectAllOnV2(db, seededRows.cards);
      });
    }, 120_000);
  }
});

describe('several jobs at once', () => {
  it('two jobs started together re-encrypt each row exactly once; their counts add up', async () => {
    await withSeededCopy(async (db, url) => {
      // Two jobs, each with its own connection pool: their claims meet only in PostgreSQL, as two processes' would.
      const other = openDatabase({ url, poolMax: 4 });
      try {
        const options = { batchSize: 40, concurrency: 2, dryRun: false };
        const [ra, rb] = await Promise.all([rotateKeys(rotationDeps(db), options), rotateKeys(rotationDeps(other), options)]);
        expect(ra.changed + rb.changed).toBe(SEEDED + seededRows.profiles);
        expect(ra.changed).toBeGreaterThan(0);
        expect(rb.changed).toBeGreaterThan(0);
        expect([ra.failed, rb.failed, ra.remaining, rb.remaining]).toEqual([0, 0, 0, 0]);
      } finally {
        await other.close();
      }
      // Exactly once: every row went from version 1 to version 2, none to 3.
      const versions = await db.pool.query(`SELECT version, count(*)::int AS n FROM cards GROUP BY 1`);
      expect(versions.rows).toEqual([{ version: 2, n: SEEDED }]);
      await expectAllOnV2(db, seededRows.cards);
    });
  }, 120_000);
});
