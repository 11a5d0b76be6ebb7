/**
 * `npm run bench -- import`: card import from OpenPGP-encrypted CSV files of 5,000, 50,000 and 200,000 rows (1 % bad, 2 %
 * duplicates, an address on one row in seven) into the bench database, each as its own process (`cards:import`,
 * no rate limit), beside the floor measured in the same run: one ESDK encrypt per row (the vault's envelope, the
 * unavoidable work of storing a card), one after another in this process. Reports rows/s, the ratio to the floor,
 * and the import process's peak memory — which must not grow with the file (5k vs 50k vs 200k). Then a file of
 * 50,000 rows is imported, killed with SIGKILL part way, and imported again: every row must be reported exactly
 * once and every card stored once. Any mismatch fails the run. Writes bench/results/<date>-<commit>-import.md.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sealPan } from '../../services/vault/src/cards/card-secret.ts';
import { loadConfig } from '../../services/vault/src/config/load-config.ts';
import { buildCrypto } from '../../services/vault/src/crypto/build-crypto.ts';
import { Pan } from '../../services/vault/src/crypto/secret.ts';
import { createImportKey } from '../../services/vault/src/portability/import-keys.ts';
import { SqlImportKeyRepository } from '../../services/vault/src/portability/import-key-repository.ts';
import { sqlOn } from '../../services/vault/src/storage/sql.ts';
import { cardCsv, cardRow, encryptToFile, type CardFileSpec } from '../support/import-files.ts';
import { spawnNodeScript } from '../support/run-script.ts';
import { benchDatabase } from './bench-kit.ts';
import { RESULTS_DIR, runFacts } from './bench-results.ts';

interface ImportSummary {
  readonly rows: number;
  readonly stored: number;
  readonly merged: number;
  readonly refused: number;
  readonly resumedAfter: number;
  readonly seconds: number;
  readonly peakRssMiB: number;
}

const runImport = (url: string, args: string[]) => spawnNodeScript('services/vault/src/portability/import-cli.ts', args, { DATABASE_URL: url, VAULT_LOG_LEVEL: 'warn' });

const summaryOf = (out: string): ImportSummary => JSON.parse(out.trim().split('\n').find((l) => l.startsWith('{')) ?? '{}') as ImportSummary;

function expected(spec: CardFileSpec) {
  const counts = { stored: 0, merged: 0, refused: 0 };
  for (let row = 1; row <= spec.rows; row++) counts[cardRow(spec, row).expected.outcome]++;
  return counts;
}

/** Every row reported exactly once. */
function checkReport(file: string, rows: number, failures: string[], label: string): void {
  const seen = new Uint8Array(rows + 1);
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const { row } = JSON.parse(line) as { row: number };
    seen[row]!++;
  }
  const twice = seen.filter((n) => n > 1).length;
  const missing = seen.slice(1).filter((n) => n === 0).length;
  if (twice || missing) failures.push(`${label}: report has ${twice} rows twice and ${missing} missing`);
}

/** The floor: one ESDK encrypt per row with the vault's envelope, sequentially, warm. */
async function floorRowsPerSecond(rows: number): Promise<number> {
  const { envelope } = buildCrypto(loadConfig({}).keys);
  const place = { id: 'card_floor', tenantId: 't-floor', userId: 'u-floor' };
  const pan = new Pan('4242424242424242');
  for (let i = 0; i < 200; i++) await sealPan(envelope, place, pan);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rows; i++) await sealPan(envelope, place, pan);
  return rows / (Number(process.hrtime.bigint() - t0) / 1e9);
}

export async function benchImport(): Promise<{ failures: string[] }> {
  const url = await benchDatabase();
  const failures: string[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vault-import-bench-'));
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    const key = await createImportKey(new SqlImportKeyRepository(sqlOn(pool)), buildCrypto(loadConfig({}).keys).envelope);
    const results: Array<{ label: string; rows: number; seconds: number; rowsPerSecond: number; peakRssMiB: number; fileMiB: number }> = [];
    const floor = await floorRowsPerSecond(5_000);
    console.log(`import floor (ESDK encrypt per row, one after another): ${floor.toFixed(0)} rows/s`);

    for (const rows of [5_000, 50_000, 200_000]) {
      const spec: CardFileSpec = { rows, badEvery: 100, duplicateEvery: 50, users: Math.ceil(rows / 10), salt: rows + 1, format: 'portable' };
      const file = path.join(dir, `cards-${rows}.csv.pgp`);
      await encryptToFile(cardCsv(spec), key.publicKey, file);
      const run = await runImport(url, ['--tenant', `bench-import-${rows}`, '--rate', '0', '--json', file]).done;
      if (run.code !== 0) {
        failures.push(`import of ${rows} rows: exit ${run.code}: ${run.out.slice(-300)}`);
        continue;
      }
      const s = summaryOf(run.out);
      const want = expected(spec);
      if (s.stored !== want.stored || s.merged !== want.merged || s.refused !== want.refused) failures.push(`import of ${rows}: ${JSON.stringify(s)} ≠ ${JSON.stringify(want)}`);
      checkReport(`${file}.report.jsonl`, rows, failures, `import of ${rows}`);
      const fileMiB = Number((readFileSync(file).length / 2 ** 20).toFixed(1));
      results.push({ label: `${rows.toLocaleString('en')} rows`, rows, seconds: s.seconds, rowsPerSecond: rows / s.seconds, peakRssMiB: s.peakRssMiB, fileMiB });
      console.log(`import of ${rows}: ${(rows / s.seconds).toFixed(0)} rows/s (${(rows / s.seconds / floor).toFixed(2)} of the floor), peak ${s.peakRssMiB} MiB, stored ${s.stored}, merged ${s.merged}, refused ${s.refused}`);
    }

    // Killed part way and run again.
    const spec: CardFileSpec = { rows: 50_000, badEvery: 100, duplicateEvery: 50, users: 5_000, salt: 77_777, format: 'portable' };
    const tenant = 'bench-import-killed';
    const file = path.join(dir, 'cards-killed.csv.pgp');
    await encryptToFile(cardCsv(spec), key.publicKey, file);
    const first = runImport(url, ['--tenant', tenant, '--rate', '0', file]);
    let killedAt = 0;
    for (const deadline = Date.now() + 300_000; Date.now() < deadline; ) {
      const { rows } = await pool.query<{ rows_done: number }>('SELECT rows_done FROM import_runs WHERE tenant_id = $1', [tenant]);
      if ((rows[0]?.rows_done ?? 0) >= 20_000) {
        first.child.kill('SIGKILL');
        killedAt = rows[0]!.rows_done;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const killed = await first.done;
    if (killed.signal !== 'SIGKILL') failures.push(`the import to kill ended on its own (${killed.code}): ${killed.out.slice(-300)}`);
    const rerun = await runImport(url, ['--tenant', tenant, '--rate', '0', '--json', file]).done;
    const s = summaryOf(rerun.out);
    const { rows: [counts] } = await pool.query<{ cards: number; imported: number }>(
      `SELECT (SELECT count(*)::int FROM cards WHERE tenant_id = $1) AS cards, (SELECT count(*)::int FROM audit_events WHERE action = 'card.import' AND tenant_id = $1) AS imported`,
      [tenant],
    );
    const want = expected(spec);
    if (rerun.code !== 0 || counts!.cards !== want.stored || counts!.imported !== want.stored + want.merged) {
      failures.push(`killed and rerun: exit ${rerun.code}, ${counts!.cards} cards (want ${want.stored}), ${counts!.imported} import events (want ${want.stored + want.merged})`);
    }
    checkReport(`${file}.report.jsonl`, spec.rows, failures, 'killed and rerun');
    console.log(`killed at ${killedAt} rows, rerun resumed after ${s.resumedAfter}: ${counts!.cards} cards (want ${want.stored}), every row reported once`);

    const facts = runFacts();
    const table = [
      `Card import, run of ${facts.date} at commit \`${facts.commit}\`${facts.dirty ? ' (with uncommitted changes)' : ''}: ${facts.machine.cpus} CPU(s) (${facts.machine.cpuModel}), Node ${facts.machine.node}; AEAD OpenPGP files, 1 % bad rows, 2 % duplicates; the import a process of its own, no rate limit, batches of 200; floor: one ESDK encrypt per row with the vault's envelope, one after another, in the same run: ${floor.toFixed(0)} rows/s.`,
      '',
      '| file | encrypted size | seconds | rows/s | ÷ floor | peak memory (RSS) |',
      '| --- | --: | --: | --: | --: | --: |',
      ...results.map((r) => `| ${r.label} | ${r.fileMiB} MiB | ${r.seconds.toFixed(1)} | ${r.rowsPerSecond.toFixed(0)} | ${(r.rowsPerSecond / floor).toFixed(2)} | ${r.peakRssMiB} MiB |`),
      '',
      `Killed with SIGKILL after ${killedAt.toLocaleString('en')} committed rows of a 50,000-row file and run again: resumed after ${s.resumedAfter.toLocaleString('en')}, ${counts!.cards.toLocaleString('en')} cards stored (expected ${want.stored.toLocaleString('en')}), ${counts!.imported.toLocaleString('en')} \`card.import\` events (expected ${(want.stored + want.merged).toLocaleString('en')}), every row in the report exactly once.`,
      '',
    ].join('\n');
    console.log(`\n${table}`);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const out = path.join(RESULTS_DIR, `${facts.date}-${facts.commit}-import.md`);
    writeFileSync(out, table);
    console.log(`written: ${out}`);
    return { failures };
  } finally {
    await pool.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
