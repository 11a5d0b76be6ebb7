import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateKeys } from '../../services/key-rotation/src/rotate-keys.ts';
import { SqlAuditStore } from '../../services/vault/src/audit/audit-store.ts';
import { sqlOn } from '../../services/vault/src/storage/sql.ts';
import { openPan } from '../../services/vault/src/cards/card-secret.ts';
import { Pan } from '../../services/vault/src/crypto/secret.ts';
import { EsdkEnvelope } from '../../services/vault/src/crypto/esdk-envelope.ts';
import { DecryptionFailed } from '../../services/vault/src/crypto/envelope.ts';
import { buildKeyrings } from '../../services/vault/src/crypto/keyring-factory.ts';
import { readWrappingKeys } from '../../services/vault/src/crypto/key-files.ts';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import { openDatabase, type Database } from '../../services/vault/src/storage/database.ts';
import { cryptoAt, seedUnderV1, type SeededCard } from '../support/rotation-fixtures.ts';
import { scratchDatabase } from '../support/test-database.ts';

/** Enough for many batches on both workers; the rotation rate is measured by `npm run bench -- rotation`, not here. */
const N = 1_200;
let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
let db: Database;
let cards: SeededCard[];
let profiles: number;

beforeAll(async () => {
  scratch = await scratchDatabase();
  db = openDatabase({ url: scratch.url, poolMax: 8 });
  ({ cards, profiles } = await seedUnderV1(db.pool, N));
}, 180_000);
afterAll(async () => {
  await db.close();
  await scratch.drop();
});

describe('rotating 1,200 cards from v1 to v2', () => {
  const v2 = cryptoAt('v2');
  const deps = () => ({ pool: db.pool, envelope: v2.envelope, fingerprinter: v2.fingerprinter, audit: new SqlAuditStore(sqlOn(db.pool), 2) });

  it('a dry run counts and writes nothing', async () => {
    const report = await rotateKeys(deps(), { batchSize: 100, concurrency: 2, dryRun: true });
    expect(report).toMatchObject({ dryRun: true, pending: N + profiles, changed: 0, runId: null });
    expect(report.before.cards).toEqual({ v1: N });
    expect(report.after).toEqual(report.before);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM rotation_runs`);
    expect(rows[0].n).toBe(0);
  });

  it('re-encrypts every card and profile; each decrypts to its original; the report adds up', async () => {
    const report = await rotateKeys(deps(), { batchSize: 100, concurrency: 2, dryRun: false });
    expect(report.before).toEqual({ cards: { v1: N }, cardFingerprints: { v1: N }, billingProfiles: { v1: profiles }, idempotencyRecords: {}, importKeys: {} });
    expect(report.after).toEqual({ cards: { v2: N }, cardFingerprints: { v2: N }, billingProfiles: { v2: profiles }, idempotencyRecords: {}, importKeys: {} });
    expect(report).toMatchObject({ pending: N + profiles, changed: N + profiles, failed: 0, remaining: 0 });
    console.log(`rotated ${report.changed} rows in ${(report.durationMs / 1000).toFixed(1)} s (${report.rowsPerSecond.toFixed(0)} rows/s, in a test run)`);

    const { rows } = await db.pool.query<{ id: string; tenant_id: string; user_id: string; ciphertext: Buffer; fingerprint: string; version: number }>(
      'SELECT id, tenant_id, user_id, ciphertext, fingerprint, version FROM cards',
    );
    expect(rows).toHaveLength(N);
    const byId = new Map(cards.map((c) => [c.id, c]));
    for (const row of rows) {
      const original = byId.get(row.id)!;
      const pan = await openPan(v2.envelope, { id: row.id, tenantId: row.tenant_id, userId: row.user_id, ciphertext: row.ciphertext });
      expect(pan.reveal()).toBe(original.pan);
      expect(row.fingerprint).toBe(v2.fingerprinter.fingerprint(row.tenant_id, new Pan(original.pan)));
      expect(row.version).toBe(2);
    }
    // A keyring holding only v1 can no longer read them: they are really under v2.
    const v1Only = new EsdkEnvelope(buildKeyrings({ kind: 'raw', current: 'v1', keys: readWrappingKeys(keysExample('kek')).filter((k) => k.version === 'v1') }));
    const first = rows[0]!;
    await expect(openPan(v1Only, { id: first.id, tenantId: first.tenant_id, userId: first.user_id, ciphertext: first.ciphertext })).rejects.toBeInstanceOf(DecryptionFailed);
    const run = await db.pool.query(`SELECT status, changed, failed FROM rotation_runs WHERE id = $1`, [report.runId]);
    expect(run.rows[0]).toEqual({ status: 'finished', changed: N + profiles, failed: 0 });
    const audit = await db.pool.query(`SELECT action, outcome FROM audit_events WHERE request_id = $1 ORDER BY id`, [report.runId]);
    expect(audit.rows).toEqual([
      { action: 'key_rotation.start', outcome: 'success' },
      { action: 'key_rotation.end', outcome: 'success' },
    ]);
  }, 180_000);

  it('a second run finds nothing to do', async () => {
    const report = await rotateKeys(deps(), { batchSize: 100, concurrency: 2, dryRun: false });
    expect(report).toMatchObject({ pending: 0, changed: 0, remaining: 0 });
  });
});
