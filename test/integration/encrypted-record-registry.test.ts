import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateKeys } from '../../services/key-rotation/src/rotate-keys.ts';
import { SqlAuditStore } from '../../services/vault/src/audit/audit-store.ts';
import { sqlOn } from '../../services/vault/src/storage/sql.ts';
import { billingProfileContext } from '../../services/vault/src/billing-profiles/billing-profile-secret.ts';
import { cardContext } from '../../services/vault/src/cards/card-secret.ts';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { encryptionContext, type EncryptedRecordType } from '../../services/vault/src/encrypted-records/encrypted-record-type.ts';
import { ENCRYPTED_RECORD_TYPES } from '../../services/vault/src/wiring/encrypted-record-registry.ts';
import { outcomeContext } from '../../services/vault/src/idempotency/write-outcome.ts';
import { checkKeysMatchData, KeysDoNotMatchData } from '../../services/vault/src/key-versions/key-check.ts';
import { KeyVersionRepository } from '../../services/vault/src/key-versions/key-version-repository.ts';
import { openDatabase, type Database } from '../../services/vault/src/storage/database.ts';
import { cryptoAt, seedUnderV1 } from '../support/rotation-fixtures.ts';
import { scratchDatabase } from '../support/test-database.ts';

/**
 * One registry of encrypted record types: rotation, `keys:retire` and the start-up key check iterate it, so a
 * table added to it is rotated, counted against its key and checked without any of them naming it.
 */
const SECRET_NOTES: EncryptedRecordType = {
  name: 'secretNotes',
  table: 'secret_notes',
  idColumn: 'id',
  ciphertextColumn: 'ciphertext',
  keyVersionColumn: 'key_version',
  rowVersionColumn: 'version',
  updatedAtColumn: null,
  purpose: 'secret-note',
  contextColumns: { tenant: 'tenant_id', record: 'id' },
};
const WITH_NOTES = [...ENCRYPTED_RECORD_TYPES, SECRET_NOTES];
const NOTES = 5;
const CARDS = 20; // seedUnderV1 adds one billing profile per 50 cards: 1

let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
let db: Database;
const v1 = cryptoAt('v1');
const v2 = cryptoAt('v2');
const notes: { id: string; tenant_id: string; text: string }[] = [];
const liveOutcomeKey = `idem_live_${randomBytes(4).toString('hex')}`;
const expiredOutcomeKey = `idem_expired_${randomBytes(4).toString('hex')}`;

async function insertOutcome(key: string, expiresIn: string): Promise<void> {
  const sealed = await v1.envelope.encrypt(Buffer.from('{"ok":true}', 'utf8'), outcomeContext(key));
  await db.pool.query(
    `INSERT INTO idempotency_records (key, request_digest, status, content_type, response, key_version, expires_at)
     VALUES ($1, 'digest', 201, 'application/json', $2, $3, now() + $4::interval)`,
    [key, Buffer.from(sealed.ciphertext), sealed.keyVersion, expiresIn],
  );
}

beforeAll(async () => {
  scratch = await scratchDatabase();
  db = openDatabase({ url: scratch.url, poolMax: 4 });
  await seedUnderV1(db.pool, CARDS);
  await db.pool.query(`CREATE TABLE secret_notes (id text PRIMARY KEY, tenant_id text NOT NULL, ciphertext bytea NOT NULL, key_version text NOT NULL, version int NOT NULL DEFAULT 1)`);
  for (let i = 0; i < NOTES; i++) {
    const note = { id: `note_${i}`, tenant_id: `notes-t${i % 2}`, text: `note number ${i}` };
    const sealed = await v1.envelope.encrypt(Buffer.from(note.text, 'utf8'), encryptionContext(SECRET_NOTES, note));
    await db.pool.query(`INSERT INTO secret_notes (id, tenant_id, ciphertext, key_version) VALUES ($1, $2, $3, $4)`, [note.id, note.tenant_id, Buffer.from(sealed.ciphertext), sealed.keyVersion]);
    notes.push(note);
  }
  // A remembered response, one that has expired (never opened again), and a reservation (no ciphertext).
  await insertOutcome(liveOutcomeKey, '1 hour');
  await insertOutcome(expiredOutcomeKey, '-1 minute');
  await db.pool.query(
    `INSERT INTO idempotency_records (key, request_digest, status, content_type, response, key_version, expires_at) VALUES ('idem_reserved', 'digest', 0, '', ''::bytea, '', now() + interval '1 hour')`,
  );
}, 120_000);
afterAll(async () => {
  await db?.close();
  await scratch?.drop();
});

describe('encryption contexts are the ones sealed before the registry', () => {
  it('card, billing profile and idempotency contexts keep their fields, values and order', () => {
    const place = { id: 'card_1', tenantId: 't1', userId: 'u1' };
    const expectExactly = (actual: object, expected: object) => expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
    expectExactly(cardContext(place), { purpose: 'card', tenant: 't1', owner: 'u1', record: 'card_1' });
    expectExactly(billingProfileContext(place), { purpose: 'billing-profile', tenant: 't1', owner: 'u1', record: 'card_1' });
    expectExactly(outcomeContext('k1'), { purpose: 'idempotency', record: 'k1' });
  });

  it('a context column with no value is refused (the ciphertext would be bound to nothing)', () => {
    expect(() => encryptionContext(SECRET_NOTES, { id: 'note_x', tenant_id: '' })).toThrow(/secretNotes: context column tenant_id has no value/);
  });
});

describe('a registered table is counted against its key by keys:retire', () => {
  it('rowsUsing counts the fake table’s v1 rows: retiring v1 would be refused', async () => {
    const keys = new KeyVersionRepository(sqlOn(db.pool), ENCRYPTED_RECORD_TYPES);
    // 20 cards, 1 billing profile, 1 live idempotency record (the expired one and the reservation do not count).
    expect(await keys.rowsUsing('wrapping', 'v1')).toBe(CARDS + 1 + 1);
    expect(await keys.rowsUsing('wrapping', 'v1', WITH_NOTES)).toBe(CARDS + 1 + 1 + NOTES);
    expect(await keys.rowsUsing('fingerprint', 'v1', WITH_NOTES)).toBe(CARDS);
  });
});

describe('a registered table is checked at start-up', () => {
  const check = (recordTypes: readonly EncryptedRecordType[]) =>
    checkKeysMatchData({ db: sqlOn(db.pool), envelope: v2.envelope, fingerprinter: v2.fingerprinter, wrappingVariable: 'VAULT_RAW_KEYS_DIR', fingerprintVariable: 'VAULT_FINGERPRINT_KEYS_DIR', recordTypes });

  it('a fake row under a key version that is not loaded: refused, naming the version and the variable', async () => {
    await db.pool.query(`INSERT INTO secret_notes (id, tenant_id, ciphertext, key_version) VALUES ('note_v7', 'notes-t0', '\\x00'::bytea, 'v7')`);
    try {
      const refusal = await check(WITH_NOTES).then(
        () => null,
        (err: unknown) => err,
      );
      expect(refusal).toBeInstanceOf(KeysDoNotMatchData);
      expect((refusal as KeysDoNotMatchData).message).toBe('keys do not match the data: VAULT_RAW_KEYS_DIR: data is encrypted under key v7, which is not loaded');
      // Without the fake type registered, nothing looks at the table.
      await expect(check(ENCRYPTED_RECORD_TYPES)).resolves.toBeUndefined();
    } finally {
      await db.pool.query(`DELETE FROM secret_notes WHERE id = 'note_v7'`);
    }
  });
});

describe('a registered table is rotated', () => {
  const deps = (recordTypes?: readonly EncryptedRecordType[]) => ({
    pool: db.pool,
    envelope: v2.envelope,
    fingerprinter: v2.fingerprinter,
    audit: new SqlAuditStore(sqlOn(db.pool), 1),
    ...(recordTypes ? { recordTypes } : {}),
  });

  it('unregistered, the fake table escapes rotation (what the registry prevents)', async () => {
    const report = await rotateKeys(deps(), { batchSize: 3, concurrency: 2, dryRun: true });
    expect(report.pending).toBe(CARDS + 1 + 1);
    expect(report.before).not.toHaveProperty('secretNotes');
  });

  it('rotateKeys with the fake type re-encrypts its rows to v2, and each opens with the type’s context', async () => {
    const report = await rotateKeys(deps(WITH_NOTES), { batchSize: 3, concurrency: 2, dryRun: false });
    expect(report).toMatchObject({ pending: CARDS + 1 + 1 + NOTES, changed: CARDS + 1 + 1 + NOTES, failed: 0, remaining: 0 });
    expect(report.before).toEqual({ cards: { v1: CARDS }, cardFingerprints: { v1: CARDS }, billingProfiles: { v1: 1 }, idempotencyRecords: { v1: 1 }, importKeys: {}, secretNotes: { v1: NOTES } });
    expect(report.after).toEqual({ cards: { v2: CARDS }, cardFingerprints: { v2: CARDS }, billingProfiles: { v2: 1 }, idempotencyRecords: { v2: 1 }, importKeys: {}, secretNotes: { v2: NOTES } });

    const { rows } = await db.pool.query<{ id: string; tenant_id: string; ciphertext: Buffer; key_version: string; version: number }>(
      'SELECT id, tenant_id, ciphertext, key_version, version FROM secret_notes ORDER BY id',
    );
    expect(rows.map((r) => [r.id, r.key_version, r.version])).toEqual(notes.map((n) => [n.id, 'v2', 2]));
    for (const row of rows) {
      const opened = await v2.envelope.decrypt(row.ciphertext, encryptionContext(SECRET_NOTES, row));
      expect(Buffer.from(opened).toString('utf8')).toBe(notes.find((n) => n.id === row.id)!.text);
    }
  }, 60_000);

  it('idempotency records are rotated too: only the live, filled one; it still opens under its key', async () => {
    const { rows } = await db.pool.query<{ key: string; key_version: string; response: Buffer }>(`SELECT key, key_version, response FROM idempotency_records ORDER BY key`);
    const byKey = new Map(rows.map((r) => [r.key, r]));
    expect(byKey.get(liveOutcomeKey)?.key_version).toBe('v2');
    expect(byKey.get(expiredOutcomeKey)?.key_version).toBe('v1'); // never opened again; purged within a minute
    expect(byKey.get('idem_reserved')?.key_version).toBe('');
    const opened = await v2.envelope.decrypt(byKey.get(liveOutcomeKey)!.response, outcomeContext(liveOutcomeKey));
    expect(Buffer.from(opened).toString('utf8')).toBe('{"ok":true}');
  });

  it('after rotation no row uses v1: its retirement is allowed', async () => {
    const keys = new KeyVersionRepository(sqlOn(db.pool), ENCRYPTED_RECORD_TYPES);
    expect(await keys.rowsUsing('wrapping', 'v1', WITH_NOTES)).toBe(0);
    expect(await keys.rowsUsing('fingerprint', 'v1', WITH_NOTES)).toBe(0);
  });
});

describe('every encrypted Prisma model is registered', () => {
  interface Model {
    readonly name: string;
    readonly table: string;
    readonly fields: ReadonlyMap<string, string>; // field → column
  }
  const schema = readFileSync(`${REPO_ROOT}/prisma/schema.prisma`, 'utf8');
  const models: Model[] = [...schema.matchAll(/^model (\w+) \{\n([\s\S]*?)^\}/gm)].map(([, name, body]) => {
    const fields = new Map<string, string>();
    for (const line of body!.split('\n')) {
      const field = /^\s+(\w+)\s+\w+/.exec(line);
      if (!field) continue; // blank, `///` doc and `@@` attribute lines
      fields.set(field[1]!, /@map\("([^"]+)"\)/.exec(line)?.[1] ?? field[1]!);
    }
    return { name: name!, table: /@@map\("([^"]+)"\)/.exec(body!)?.[1] ?? name!, fields };
  });

  it('the schema was read (the parser sees the known encrypted models)', () => {
    expect(models.map((m) => m.table)).toEqual(expect.arrayContaining(['cards', 'billing_profiles', 'idempotency_records']));
  });

  it('each model with a key-version or ciphertext field maps to a registered table, and each key-version column is the type’s', () => {
    for (const model of models) {
      if (!model.fields.has('keyVersion') && !model.fields.has('ciphertext')) continue; // holds no ciphertext (RotationRun only names target versions)
      // Its own key version and any digest's (`fingerprintKeyVersion`).
      const versionColumns = [...model.fields].filter(([field]) => field === 'keyVersion' || field.endsWith('KeyVersion')).map(([, column]) => column);
      const type = ENCRYPTED_RECORD_TYPES.find((t) => t.table === model.table);
      expect(type, `model ${model.name} (${model.table}) holds ciphertexts but is not in ENCRYPTED_RECORD_TYPES`).toBeDefined();
      const registered = [type!.keyVersionColumn, ...(type!.digests ?? []).map((d) => d.keyVersionColumn)];
      expect(registered.sort(), `model ${model.name}: key-version columns`).toEqual(versionColumns.sort());
    }
  });

  it('each registered type names columns its model has', () => {
    for (const type of ENCRYPTED_RECORD_TYPES) {
      const model = models.find((m) => m.table === type.table);
      expect(model, `${type.name}: no model maps to ${type.table}`).toBeDefined();
      const columns = new Set(model!.fields.values());
      const named = [
        type.idColumn,
        type.ciphertextColumn,
        type.keyVersionColumn,
        ...(type.rowVersionColumn ? [type.rowVersionColumn] : []),
        ...(type.updatedAtColumn ? [type.updatedAtColumn] : []),
        ...Object.values(type.contextColumns),
        ...(type.digests ?? []).flatMap((d) => [d.column, d.keyVersionColumn]),
      ];
      for (const column of named) expect(columns.has(column), `${type.name}: ${type.table} has no column ${column}`).toBe(true);
    }
  });
});
