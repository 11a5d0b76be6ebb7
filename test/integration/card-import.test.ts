import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPan } from '../../services/vault/src/cards/card-secret.ts';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { openDatabase, type Database } from '../../services/vault/src/storage/database.ts';
import { distinctVisa } from '../support/card-numbers.ts';
import { cardCsv, cardRow, encryptToFile, OTHER_VAULT_MAPPING, type CardFileSpec } from '../support/import-files.ts';
import { cryptoAt } from '../support/rotation-fixtures.ts';
import { runNpmScriptAsync, spawnNodeScript } from '../support/run-script.ts';
import { scratchDatabase } from '../support/test-database.ts';

/**
 * `npm run cards:import` (issue 14): an OpenPGP-encrypted CSV read as a stream; every row checked with the API's
 * rules; bad rows reported by line with their code; duplicates merged; billing addresses stored; a run killed
 * with SIGKILL mid-file and rerun stores no row twice and loses none. (50,000 rows and the memory of 5k vs 50k:
 * `npm run bench -- import`.)
 */
let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
let db: Database;
let dir: string;
let publicKey: string;
const TENANT = 't-import';

const importCli = (args: string[], env: Record<string, string> = {}) =>
  spawnNodeScript('services/vault/src/portability/import-cli.ts', args, { DATABASE_URL: scratch.url, ...env });

async function makeFile(name: string, spec: CardFileSpec, key = publicKey, aead = true): Promise<string> {
  const file = path.join(dir, name);
  await encryptToFile(cardCsv(spec), key, file, { aead });
  return file;
}

const reportOf = (file: string) =>
  readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { row: number; line: number; outcome: string; code?: string; last4?: string; cardId?: string });

function expectedOf(spec: CardFileSpec) {
  const rows = Array.from({ length: spec.rows }, (_, i) => cardRow(spec, i + 1));
  const count = (o: string) => rows.filter((r) => r.expected.outcome === o).length;
  return { rows, stored: count('stored'), merged: count('merged'), refused: count('refused') };
}

beforeAll(async () => {
  scratch = await scratchDatabase();
  db = openDatabase({ url: scratch.url, poolMax: 4 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'card-import-'));
  const made = await runNpmScriptAsync('cards:import-key', { DATABASE_URL: scratch.url }, ['--out', path.join(dir, 'import-public.asc')]);
  expect(made.status, made.stderr).toBe(0);
  publicKey = readFileSync(path.join(dir, 'import-public.asc'), 'utf8');
}, 60_000);
afterAll(async () => {
  await db?.close();
  await scratch?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('card import from an OpenPGP-encrypted CSV', () => {
  it('the import key: public half handed out, private half stored sealed by the keyring (never in clear)', async () => {
    expect(publicKey).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    const { rows } = await db.pool.query(`SELECT ciphertext, key_version FROM import_keys`);
    expect(rows).toHaveLength(1);
    expect(rows[0].key_version).toBe('v1');
    expect(Buffer.from(rows[0].ciphertext).toString('latin1')).not.toContain('PRIVATE KEY BLOCK');
  });

  it('stores every valid row, reports each bad row by line with its code, merges duplicates, keeps addresses; the cards decrypt', async () => {
    const spec: CardFileSpec = { rows: 5_000, badEvery: 100, duplicateEvery: 50, users: 400, salt: 11_111, format: 'portable' };
    const file = await makeFile('portable.csv.pgp', spec);
    const expected = expectedOf(spec);
    const { done } = importCli(['--tenant', TENANT, '--rate', '0', '--json', file]);
    const run = await done;
    expect(run.code, run.out).toBe(0);
    const summary = JSON.parse(run.out.trim().split('\n').find((l) => l.startsWith('{'))!);
    expect(summary).toMatchObject({ dryRun: false, resumedAfter: 0, rows: 5_000, stored: expected.stored, merged: expected.merged, refused: expected.refused });
    expect(expected.refused).toBe(50); // 1 %

    const report = reportOf(`${file}.report.jsonl`);
    expect(report.map((r) => r.row)).toEqual(Array.from({ length: 5_000 }, (_, i) => i + 1));
    for (const r of report) {
      const want = expected.rows[r.row - 1]!.expected;
      expect({ row: r.row, outcome: r.outcome, code: r.code }).toEqual({ row: r.row, outcome: want.outcome, code: 'code' in want ? want.code : undefined });
      expect(r.line).toBe(r.row + 1); // the header is line 1
    }
    const reportText = readFileSync(`${file}.report.jsonl`, 'utf8');
    expect(reportText).not.toMatch(/4\d{5}0{3,}\d{6}/); // no PAN in the report
    expect(reportText).toContain('"last4"');

    const cards = await db.pool.query(`SELECT id, tenant_id, user_id, ciphertext, billing_profile_id FROM cards WHERE tenant_id = $1`, [TENANT]);
    expect(cards.rows).toHaveLength(expected.stored);
    const crypto = cryptoAt('v1');
    const byCard = new Map(report.filter((r) => r.cardId).map((r) => [r.cardId!, r]));
    for (const c of cards.rows.slice(0, 50)) {
      const pan = await openPan(crypto.envelope, { id: c.id, tenantId: c.tenant_id, userId: c.user_id, ciphertext: c.ciphertext });
      const row = byCard.get(c.id)!;
      expect(pan.reveal()).toBe(cardRow(spec, row.row).fields['number']);
    }
    const withAddress = expected.rows.filter((r, i) => r.expected.outcome === 'stored' && (i + 1) % 7 === 0).length;
    expect(cards.rows.filter((c) => c.billing_profile_id).length).toBe(withAddress);
    const audited = await db.pool.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'card.import'`);
    expect(audited.rows[0].n).toBe(expected.stored + expected.merged);

    // The same file again: refused, nothing stored twice.
    const again = await importCli(['--tenant', TENANT, '--rate', '0', file]).done;
    expect(again.code).toBe(1);
    expect(again.out).toContain('imported into this tenant already');
  }, 120_000);

  it('killed with SIGKILL mid-file and rerun: no row twice, none lost', async () => {
    const spec: CardFileSpec = { rows: 3_000, badEvery: 100, duplicateEvery: 50, users: 300, salt: 22_222, format: 'portable' };
    const tenant = 't-import-kill';
    const file = await makeFile('killed.csv.pgp', spec);
    const expected = expectedOf(spec);
    const first = importCli(['--tenant', tenant, '--rate', '1500', '--batch-size', '40', file]);
    // Killed once some batches are committed.
    for (const deadline = Date.now() + 60_000; ; ) {
      if (Date.now() > deadline) throw new Error(`the import did not progress: ${(await first.done).out}`);
      const { rows } = await db.pool.query(`SELECT rows_done FROM import_runs WHERE tenant_id = $1`, [tenant]);
      if ((rows[0]?.rows_done ?? 0) >= 600) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const { rows: [progress] } = await db.pool.query(`SELECT rows_done, status FROM import_runs WHERE tenant_id = $1`, [tenant]);
    expect(progress.status).toBe('running');
    expect(progress.rows_done).toBeLessThan(3_000);

    const rerun = await importCli(['--tenant', tenant, '--rate', '0', '--json', file]).done;
    expect(rerun.code, rerun.out).toBe(0);
    const summary = JSON.parse(rerun.out.trim().split('\n').find((l) => l.startsWith('{'))!);
    expect(summary.resumedAfter).toBe(progress.rows_done);

    const report = reportOf(`${file}.report.jsonl`);
    expect(report.map((r) => r.row)).toEqual(Array.from({ length: 3_000 }, (_, i) => i + 1)); // each row once
    const cards = await db.pool.query(`SELECT count(*)::int AS n FROM cards WHERE tenant_id = $1`, [tenant]);
    expect(cards.rows[0].n).toBe(expected.stored);
    const imports = await db.pool.query(`SELECT target, count(*)::int AS n FROM audit_events WHERE action = 'card.import' AND tenant_id = $1 GROUP BY target`, [tenant]);
    expect(imports.rows.reduce((n: number, r: { n: number }) => n + r.n, 0)).toBe(expected.stored + expected.merged);
    const { rows: [run] } = await db.pool.query(`SELECT status, stored, merged, refused FROM import_runs WHERE tenant_id = $1`, [tenant]);
    expect(run).toEqual({ status: 'completed', stored: expected.stored, merged: expected.merged, refused: expected.refused });
  }, 120_000);

  it("another vault's export through a column mapping; a dry run stores nothing", async () => {
    const spec: CardFileSpec = { rows: 400, badEvery: 100, duplicateEvery: 50, users: 40, salt: 33_333, format: 'other' };
    const tenant = 't-import-other';
    const file = await makeFile('other.csv.pgp', spec);
    const map = path.join(dir, 'other.map.json');
    writeFileSync(map, JSON.stringify(OTHER_VAULT_MAPPING));
    const expected = expectedOf(spec);
    const dry = await importCli(['--tenant', tenant, '--map', map, '--dry-run', '--json', file]).done;
    expect(readFileSync(`${file}.dry-run.report.jsonl`, 'utf8').length).toBeGreaterThan(0); // not the real run's report
    expect(dry.code, dry.out).toBe(0);
    expect(JSON.parse(dry.out.trim().split('\n').find((l) => l.startsWith('{'))!)).toMatchObject({ dryRun: true, stored: expected.stored, merged: expected.merged, refused: expected.refused });
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM cards WHERE tenant_id = $1`, [tenant])).rows[0].n).toBe(0);
    const real = await importCli(['--tenant', tenant, '--map', map, '--rate', '0', '--json', file]).done;
    expect(JSON.parse(real.out.trim().split('\n').find((l) => l.startsWith('{'))!)).toMatchObject({ stored: expected.stored, merged: expected.merged, refused: expected.refused });
  }, 60_000);

  it('the committed example files (scripts/make-import-fixtures.ts) import with the example key taken in with --from', async () => {
    const from = await runNpmScriptAsync('cards:import-key', { DATABASE_URL: scratch.url }, ['--from', path.join(REPO_ROOT, 'keys-example', 'import', 'import-private.asc'), '--out', path.join(dir, 'example-public.asc')]);
    expect(from.status, from.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'example-public.asc'), 'utf8')).toBe(readFileSync(path.join(REPO_ROOT, 'keys-example', 'import', 'import-public.asc'), 'utf8'));
    const spec = (format: CardFileSpec['format']): CardFileSpec => ({ rows: 40, badEvery: 8, duplicateEvery: 20, users: 5, salt: 4242, format });
    const fixtures = path.join(REPO_ROOT, 'test', 'fixtures', 'import');
    for (const [file, format, extra] of [
      ['portable-example.csv.pgp', 'portable', []],
      ['other-vault-example.csv.pgp', 'other', ['--map', path.join(fixtures, 'other-vault.map.json')]],
    ] as const) {
      const run = await importCli(['--tenant', `t-fixture-${format}`, '--dry-run', '--json', '--report', path.join(dir, `${file}.report.jsonl`), ...extra, path.join(fixtures, file)]).done;
      expect(run.code, run.out).toBe(0);
      const want = expectedOf(spec(format));
      expect(JSON.parse(run.out.trim().split('\n').find((l) => l.startsWith('{'))!)).toMatchObject({ stored: want.stored, merged: want.merged, refused: want.refused });
    }
  }, 60_000);

  it('a row with the wrong number of fields is reported row_malformed and the rest imported; one process per file', async () => {
    // Ten more rows paced at 2 rows/s keep the first import busy for ~6 s while the second one tries.
    const more = Array.from({ length: 10 }, (_, i) => `mal-u3,${distinctVisa(i, 55_555)},6,2033,More ${i}`);
    const csv = ['user_id,number,exp_month,exp_year,cardholder_name', 'mal-u1,4242424242424242,12,2031,Good One', 'mal-u1,4000056655665556,12,2031,Too,Many', 'mal-u2,5555555555554444,1,2032,"Quoted, Name"', ...more, ''].join('\n');
    const file = path.join(dir, 'malformed.csv.pgp');
    await encryptToFile(Readable.from([Buffer.from(csv)]), publicKey, file);
    const [a, b] = await Promise.all([importCli(['--tenant', 't-import-mal', '--rate', '2', '--batch-size', '1', file]).done, new Promise((r) => setTimeout(r, 1_500)).then(() => importCli(['--tenant', 't-import-mal', '--rate', '0', file]).done)]);
    expect(a.code, a.out).toBe(0);
    expect(b.code).toBe(1);
    expect(b.out).toContain('being imported into this tenant by another process');
    const report = reportOf(`${file}.report.jsonl`);
    expect(report.slice(0, 3).map((r) => [r.row, r.outcome, r.code])).toEqual([[1, 'stored', undefined], [2, 'refused', 'row_malformed'], [3, 'stored', undefined]]);
    expect(report).toHaveLength(13);
    const names = await db.pool.query(`SELECT cardholder_name FROM cards WHERE tenant_id = 't-import-mal' AND user_id <> 'mal-u3' ORDER BY cardholder_name`);
    expect(names.rows.map((r) => r.cardholder_name)).toEqual(['Good One', 'Quoted, Name']);
  }, 60_000);

  it('during a fingerprint-key rotation, a card stored under the old key is merged and moved to the new one, not added again', async () => {
    const tenant = 't-import-fp';
    const csv = (name: string) => Readable.from([Buffer.from(`user_id,number,exp_month,exp_year,cardholder_name\nfp-u1,4242424242424242,12,2031,${name}\n`)]);
    const first = path.join(dir, 'fp-v1.csv.pgp');
    const second = path.join(dir, 'fp-v2.csv.pgp');
    await encryptToFile(csv('Before Rotation'), publicKey, first);
    await encryptToFile(csv('After Rotation'), publicKey, second);
    expect((await importCli(['--tenant', tenant, '--rate', '0', first]).done).code).toBe(0);
    const again = await importCli(['--tenant', tenant, '--rate', '0', second], { VAULT_FINGERPRINT_KEY_CURRENT: 'v2' }).done;
    expect(again.code, again.out).toBe(0);
    expect(reportOf(`${second}.report.jsonl`).map((r) => r.outcome)).toEqual(['merged']);
    const { rows } = await db.pool.query(`SELECT cardholder_name, fingerprint_key_version FROM cards WHERE tenant_id = $1`, [tenant]);
    expect(rows).toEqual([{ cardholder_name: 'After Rotation', fingerprint_key_version: 'v2' }]);
  }, 60_000);

  it('refuses a file for another key, an altered file, and an older MDC file is read too', async () => {
    const spec: CardFileSpec = { rows: 50, badEvery: 100, duplicateEvery: 50, users: 5, salt: 44_444, format: 'portable' };
    const { publicKey: stranger } = await openpgp.generateKey({ type: 'curve25519', userIDs: [{ name: 'Someone else' }], format: 'armored' });
    const wrongKey = await makeFile('wrong-key.csv.pgp', spec, stranger);
    const refused = await importCli(['--tenant', 't-import-refused', wrongKey]).done;
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('does not decrypt with any import key');

    const good = await makeFile('altered.csv.pgp', spec);
    const bytes = readFileSync(good);
    bytes[bytes.length - 40] = bytes[bytes.length - 40]! ^ 0x01;
    writeFileSync(good, bytes);
    const altered = await importCli(['--tenant', 't-import-refused', good]).done;
    expect(altered.code).toBe(1);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM cards WHERE tenant_id = 't-import-refused'`)).rows[0].n).toBe(0);

    const mdc = await makeFile('mdc.csv.pgp', spec, publicKey, false);
    const old = await importCli(['--tenant', 't-import-mdc', '--rate', '0', mdc]).done;
    expect(old.code, old.out).toBe(0);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM cards WHERE tenant_id = 't-import-mdc'`)).rows[0].n).toBe(expectedOf(spec).stored);
  }, 60_000);
});
