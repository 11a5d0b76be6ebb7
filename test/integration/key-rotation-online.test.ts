import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateKeys } from '../../services/key-rotation/src/rotate-keys.ts';
import { SqlAuditStore } from '../../services/vault/src/audit/audit-store.ts';
import { sqlOn } from '../../services/vault/src/storage/sql.ts';
import { openPan } from '../../services/vault/src/cards/card-secret.ts';
import { openDatabase, type Database } from '../../services/vault/src/storage/database.ts';
import { cryptoAt, seedUnderV1 } from '../support/rotation-fixtures.ts';
import { runNpmScript } from '../support/run-script.ts';
import { scratchDatabase } from '../support/test-database.ts';

/** Rotation beside live writes, and retiring the key it rotated away from. */
const ROTATE_ENV = { VAULT_KEY_CURRENT: 'v2', VAULT_FINGERPRINT_KEY_CURRENT: 'v2' };

describe('live updates during rotation', () => {
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  let db: Database;
  beforeAll(async () => {
    scratch = await scratchDatabase();
    db = openDatabase({ url: scratch.url, poolMax: 6 });
  });
  afterAll(async () => {
    await db.close();
    await scratch.drop();
  });

  it('a PATCH issued while its row is being rotated is never lost (forced interleaving)', async () => {
    const { cards } = await seedUnderV1(db.pool, 200);
    const target = cards[120]!;
    const v2 = cryptoAt('v2');
    let patch: Promise<unknown> | null = null;
    let patchDone = false;
    let patchWaitedForTheBatch = false;
    const report = await rotateKeys(
      { pool: db.pool, envelope: v2.envelope, fingerprinter: v2.fingerprinter, audit: new SqlAuditStore(sqlOn(db.pool), 1) },
      {
        batchSize: 50,
        concurrency: 1,
        dryRun: false,
        beforeWrite: async (recordType, ids) => {
          if (recordType !== 'cards' || !ids.includes(target.id) || patch) return;
          // The job has read and locked the row and is about to write it back: the vault now updates it.
          patch = db.pool
            .query(`UPDATE cards SET cardholder_name = 'Patched Mid-Rotation', exp_month = 7, version = version + 1 WHERE id = $1`, [target.id])
            .then(() => (patchDone = true));
          await new Promise((r) => setTimeout(r, 300));
          patchWaitedForTheBatch = !patchDone; // still blocked on the row the job holds
        },
      },
    );
    await patch;
    expect(patchWaitedForTheBatch).toBe(true);
    expect(report.remaining).toBe(0);
    const { rows } = await db.pool.query('SELECT cardholder_name, exp_month, key_version, version, tenant_id, user_id, ciphertext FROM cards WHERE id = $1', [target.id]);
    expect(rows[0]).toMatchObject({ cardholder_name: 'Patched Mid-Rotation', exp_month: 7, key_version: 'v2', version: 3 });
    expect((await openPan(v2.envelope, { id: target.id, tenantId: rows[0].tenant_id, userId: rows[0].user_id, ciphertext: rows[0].ciphertext })).reveal()).toBe(target.pan);
  });
});

describe('retiring a key', () => {
  it('keys:retire v1 is refused while a v1 row exists, and succeeds after rotation', async () => {
    const scratch = await scratchDatabase();
    const db = openDatabase({ url: scratch.url, poolMax: 2 });
    try {
      await seedUnderV1(db.pool, 60);
      const env = { DATABASE_URL: scratch.url, ...ROTATE_ENV };
      const refused = runNpmScript('keys:retire', env, ['v1']);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/refused — 62 row\(s\) still use wrapping key v1/);
      expect(runNpmScript('keys:retire', env, ['v2']).stderr).toMatch(/is the current wrapping key/);

      // The job's own command, run to the end: exit 0 and its JSON report (the crash tests kill it mid-run).
      const rotated = runNpmScript('rotate-keys', env);
      expect(rotated.status, rotated.stderr).toBe(0);
      const report = JSON.parse(rotated.stdout.split('\n').find((l) => l.includes('"key_rotation.report"'))!);
      expect(report).toMatchObject({ event: 'key_rotation.report', failed: 0, remaining: 0, changed: 62 });
      const retired = runNpmScript('keys:retire', env, ['v1']);
      expect(retired.status, retired.stderr).toBe(0);
      expect(runNpmScript('keys:retire', env, ['v1', '--fingerprint']).status).toBe(0);
      const { rows } = await db.pool.query(`SELECT purpose, version, state FROM key_versions ORDER BY purpose`);
      expect(rows).toEqual([
        { purpose: 'fingerprint', version: 'v1', state: 'retired' },
        { purpose: 'wrapping', version: 'v1', state: 'retired' },
      ]);
      const audit = await db.pool.query(`SELECT outcome FROM audit_events WHERE action = 'key.retire' ORDER BY id`);
      expect(audit.rows.map((r) => r.outcome)).toEqual(['denied', 'success', 'success']);
    } finally {
      await db.close();
      await scratch.drop();
    }
  }, 120_000);
});
