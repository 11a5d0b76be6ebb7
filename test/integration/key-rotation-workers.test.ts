import { mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rotateKeys } from '../../services/key-rotation/src/rotate-keys.ts';
import { ResealWorkerFailed, WorkerPoolResealer } from '../../services/key-rotation/src/worker-pool-resealer.ts';
import { SqlAuditStore } from '../../services/vault/src/audit/audit-store.ts';
import { openAddress } from '../../services/vault/src/billing-profiles/billing-profile-secret.ts';
import { openPan, sealPan } from '../../services/vault/src/cards/card-secret.ts';
import { loadConfig } from '../../services/vault/src/config/load-config.ts';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import { NONE_RETIRED } from '../../services/vault/src/crypto/build-crypto.ts';
import { DecryptionFailed } from '../../services/vault/src/crypto/envelope.ts';
import { Pan } from '../../services/vault/src/crypto/secret.ts';
import type { EncryptedRecordType } from '../../services/vault/src/encrypted-records/encrypted-record-type.ts';
import type { Database } from '../../services/vault/src/storage/database.ts';
import { sqlOn } from '../../services/vault/src/storage/sql.ts';
import { cryptoAt, useSeededTemplate } from '../support/rotation-fixtures.ts';

/**
 * The command's resealer: worker threads that build their own envelope from the key configuration, open and
 * re-seal each batch's rows, and hand back only ciphertexts and digests. Against the real PostgreSQL; the seeded
 * rows are encrypted once (a template database) and copied per test.
 */
const SEEDED = 600; // 12 billing profiles beside them
const keysAt = (key: 'v1' | 'v2', fingerprint: 'v1' | 'v2' = key) => loadConfig({ VAULT_KEY_CURRENT: key, VAULT_FINGERPRINT_KEY_CURRENT: fingerprint }).keys;
const crashingWorker = new URL('../support/crashing-reseal-worker.ts', import.meta.url);

const seededRows = useSeededTemplate(SEEDED);

/** A copy of the seeded database, open, dropped when `body` ends. */
const withSeededCopy = (body: (db: Database) => Promise<void>): Promise<void> => seededRows.withCopy(6, body);

async function withWorkers<T>(options: Omit<Parameters<typeof WorkerPoolResealer.start>[0], 'retired'>, body: (pool: WorkerPoolResealer) => Promise<T>): Promise<T> {
  const pool = await WorkerPoolResealer.start({ retired: NONE_RETIRED, ...options });
  try {
    return await body(pool);
  } finally {
    await pool.close();
  }
}

const audit = (db: Database) => new SqlAuditStore(sqlOn(db.pool), 2);

/** Every card opens under v2 with its own context to its PAN, with its v2 fingerprint, written exactly once per rotation. */
async function expectAllOnV2(db: Database, rowVersion: number) {
  const v2 = cryptoAt('v2');
  const { rows } = await db.pool.query<{ id: string; tenant_id: string; user_id: string; ciphertext: Buffer; key_version: string; fingerprint: string; fingerprint_key_version: string; version: number }>(
    'SELECT id, tenant_id, user_id, ciphertext, key_version, fingerprint, fingerprint_key_version, version FROM cards',
  );
  expect(rows).toHaveLength(SEEDED);
  const byId = new Map(seededRows.cards.map((c) => [c.id, c]));
  for (const row of rows) {
    const pan = byId.get(row.id)!.pan;
    expect([row.key_version, row.fingerprint_key_version, row.version]).toEqual(['v2', 'v2', rowVersion]);
    expect((await openPan(v2.envelope, { id: row.id, tenantId: row.tenant_id, userId: row.user_id, ciphertext: row.ciphertext })).reveal()).toBe(pan);
    expect(row.fingerprint).toBe(v2.fingerprinter.fingerprint(row.tenant_id, new Pan(pan)));
  }
  const profiles = await db.pool.query<{ id: string; tenant_id: string; user_id: string; ciphertext: Buffer; key_version: string }>('SELECT id, tenant_id, user_id, ciphertext, key_version FROM billing_profiles');
  expect(profiles.rows).toHaveLength(seededRows.profiles);
  for (const row of profiles.rows) {
    expect(row.key_version).toBe('v2');
    const address = await openAddress(v2.envelope, { id: row.id, tenantId: row.tenant_id, userId: row.user_id, ciphertext: row.ciphertext });
    expect(address.line1).toMatch(/ Rotation Road$/);
  }
  // Bound to its place: a card's ciphertext does not open as another card's.
  const [a, b] = rows;
  await expect(openPan(v2.envelope, { id: b!.id, tenantId: b!.tenant_id, userId: b!.user_id, ciphertext: a!.ciphertext })).rejects.toBeInstanceOf(DecryptionFailed);
}

describe('rotation on worker threads', () => {
  it('two workers re-encrypt every card and profile under v2; each opens with its own context', async () => {
    await withSeededCopy(async (db) => {
      const report = await withWorkers({ keys: keysAt('v2'), workers: 2 }, async (pool) => {
        expect([pool.workers, pool.keyVersion, pool.fingerprintVersion]).toEqual([2, 'v2', 'v2']);
        return rotateKeys({ pool: db.pool, resealer: pool, audit: audit(db) }, { batchSize: 50, concurrency: 3, dryRun: false });
      });
      expect(report).toMatchObject({ pending: SEEDED + seededRows.profiles, changed: SEEDED + seededRows.profiles, retried: 0, failed: 0, remaining: 0 });
      expect(report.after).toEqual({ cards: { v2: SEEDED }, cardFingerprints: { v2: SEEDED }, billingProfiles: { v2: seededRows.profiles }, idempotencyRecords: {}, importKeys: {} });
      await expectAllOnV2(db, 2);
    });
  }, 120_000);

  it('the wrapping key and the fingerprint key rotated one after the other: each run rewrites only what is stale', async () => {
    await withSeededCopy(async (db) => {
      // First the wrapping key alone (fingerprints stay v1), then the fingerprint key alone (ciphertexts stay as they are).
      const keyOnly = await withWorkers({ keys: keysAt('v2', 'v1'), workers: 2 }, (pool) => rotateKeys({ pool: db.pool, resealer: pool, audit: audit(db) }, { batchSize: 64, concurrency: 2, dryRun: false }));
      expect(keyOnly.after).toEqual({ cards: { v2: SEEDED }, cardFingerprints: { v1: SEEDED }, billingProfiles: { v2: seededRows.profiles }, idempotencyRecords: {}, importKeys: {} });
      const before = await db.pool.query<{ id: string; ciphertext: Buffer }>('SELECT id, ciphertext FROM cards');
      const fingerprintOnly = await withWorkers({ keys: keysAt('v2'), workers: 1 }, (pool) => rotateKeys({ pool: db.pool, resealer: pool, audit: audit(db) }, { batchSize: 64, concurrency: 2, dryRun: false }));
      expect(fingerprintOnly).toMatchObject({ pending: SEEDED, changed: SEEDED, failed: 0, remaining: 0 });
      const after = new Map((await db.pool.query<{ id: string; ciphertext: Buffer }>('SELECT id, ciphertext FROM cards')).rows.map((r) => [r.id, r.ciphertext]));
      for (const row of before.rows) expect(after.get(row.id)!.equals(row.ciphertext)).toBe(true);
      await expectAllOnV2(db, 3);
    });
  }, 120_000);

  it('a worker that dies mid-run fails the job clearly; committed batches stay, the rest roll back, and a rerun finishes', async () => {
    await withSeededCopy(async (db) => {
      const crashed = await withWorkers({ keys: keysAt('v2'), workers: 2, entry: crashingWorker }, (pool) =>
        rotateKeys({ pool: db.pool, resealer: pool, audit: audit(db) }, { batchSize: 40, concurrency: 2, dryRun: false }).then(
          () => null,
          (err: unknown) => err,
        ),
      );
      expect(crashed).toBeInstanceOf(ResealWorkerFailed);
      expect((crashed as Error).message).toMatch(/^a reseal worker failed \(Error: reseal worker crashed on purpose \(test\)\)$/);
      const midway = await db.pool.query<{ done: number; counted: number }>(
        `SELECT (SELECT count(*)::int FROM cards WHERE key_version = 'v2') AS done, (SELECT changed FROM rotation_runs WHERE status = 'running') AS counted`,
      );
      expect(midway.rows[0]!.done).toBeGreaterThan(0); // the batches answered before the crash committed …
      expect(midway.rows[0]!.done).toBeLessThan(SEEDED); // … and the run really stopped
      expect(midway.rows[0]!.counted).toBe(midway.rows[0]!.done); // its counts are exactly its committed rows

      const rerun = await withWorkers({ keys: keysAt('v2'), workers: 2 }, (pool) => rotateKeys({ pool: db.pool, resealer: pool, audit: audit(db) }, { batchSize: 40, concurrency: 2, dryRun: false }));
      expect(rerun.abandonedRuns).toHaveLength(1);
      expect(rerun).toMatchObject({ pending: SEEDED + seededRows.profiles - midway.rows[0]!.done, failed: 0, remaining: 0 });
      expect(rerun.changed).toBe(rerun.pending);
      await expectAllOnV2(db, 2); // a batch rolled back by the crash was not counted or bumped twice
    });
  }, 120_000);

  it('a worker whose keys do not load: the pool does not start, and says why', async () => {
    const onlyV1 = mkdtempSync(path.join(tmpdir(), 'rotation-keys-'));
    try {
      for (const file of ['v1.key', 'fingerprint-v1.key', 'fingerprint-v2.key']) copyFileSync(keysExample('kek', file), path.join(onlyV1, file));
      const keys = { ...keysAt('v2'), wrapping: { kind: 'raw' as const, dir: onlyV1, current: 'v2' } };
      const started = WorkerPoolResealer.start({ keys, retired: NONE_RETIRED, workers: 2 });
      await expect(started).rejects.toBeInstanceOf(ResealWorkerFailed);
      await expect(started).rejects.toThrow(/a reseal worker did not start \(Error: current key version v2 is not among the loaded keys \(v1\)\)/);
    } finally {
      rmSync(onlyV1, { recursive: true, force: true });
    }
  });

  it('a recomputed fingerprint that collides with one its owner already holds fails only that row (the batch write falls back to one row at a time)', async () => {
    await withSeededCopy(async (db) => {
      // A duplicate stored beside seeded card A, already fingerprinted under v2: A's v2 fingerprint collides with it.
      const a = seededRows.cards[7]!;
      const v1 = cryptoAt('v1');
      const v2 = cryptoAt('v2');
      const duplicate = { id: `${a.id}_dup`, tenantId: a.tenantId, userId: a.userId };
      const sealed = await sealPan(v1.envelope, duplicate, new Pan(a.pan));
      await db.pool.query(
        `INSERT INTO cards (id, tenant_id, user_id, brand, bin, last4, exp_month, exp_year, cardholder_name, fingerprint, fingerprint_key_version, ciphertext, key_version)
         VALUES ($1, $2, $3, 'visa', $4, $5, 12, 2040, 'Duplicate Holder', $6, 'v2', $7, 'v1')`,
        [duplicate.id, duplicate.tenantId, duplicate.userId, a.pan.slice(0, 6), a.pan.slice(-4), v2.fingerprinter.fingerprint(a.tenantId, new Pan(a.pan)), Buffer.from(sealed.ciphertext)],
      );
      const report = await withWorkers({ keys: keysAt('v2'), workers: 2 }, (pool) => rotateKeys({ pool: db.pool, resealer: pool, audit: audit(db) }, { batchSize: 100, concurrency: 2, dryRun: false }));
      expect(report).toMatchObject({ pending: SEEDED + 1 + seededRows.profiles, changed: SEEDED + seededRows.profiles, failed: 1, remaining: 1 });
      const { rows } = await db.pool.query(`SELECT id, key_version, fingerprint_key_version, version FROM cards WHERE id = ANY($1::text[]) ORDER BY id`, [[a.id, duplicate.id]]);
      expect(rows).toEqual([
        { id: a.id, key_version: 'v1', fingerprint_key_version: 'v1', version: 1 }, // left as it was, for a person
        { id: duplicate.id, key_version: 'v2', fingerprint_key_version: 'v2', version: 2 },
      ]);
      const failed = await db.pool.query(`SELECT target, body FROM audit_events WHERE request_id = $1 AND action = 'key_rotation.row_failed'`, [report.runId]);
      expect(failed.rows.map((r) => [r.target, JSON.parse(r.body).reason])).toEqual([[a.id, 'digest_collision']]);
      const others = await db.pool.query(`SELECT count(*)::int AS n FROM cards WHERE key_version = 'v2' AND fingerprint_key_version = 'v2' AND version = 2 AND id <> $1`, [duplicate.id]);
      expect(others.rows[0].n).toBe(SEEDED - 1);
    });
  }, 120_000);

  it('a record type not in the registry is refused by the workers (they look types up by name; such a type rotates in-thread)', async () => {
    const notes: EncryptedRecordType = {
      name: 'workerNotes', table: 'worker_notes', idColumn: 'id', ciphertextColumn: 'ciphertext', keyVersionColumn: 'key_version',
      rowVersionColumn: null, updatedAtColumn: null, purpose: 'note', contextColumns: { record: 'id' },
    };
    await withWorkers({ keys: keysAt('v2'), workers: 1 }, async (pool) => {
      await expect(pool.reseal(notes, [])).rejects.toThrow(/workerNotes is not a registered encrypted record type/);
    });
  });
});
