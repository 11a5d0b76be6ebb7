/**
 * Imports cards from an OpenPGP-encrypted CSV file into one tenant, as a stream: the file is never read whole
 * and its plaintext never touches the disk. Two passes:
 *   1. decrypt to nowhere while copying the (encrypted) file into a private temporary folder and hashing it:
 *      proves the copy opens with an import key and is intact (an AEAD file is authenticated chunk by chunk; an
 *      older MDC file only at the end of its message), and names the run (tenant + sha256), so a rerun of the same
 *      file resumes the same run;
 *   2. decrypt *that copy* again as a stream — the very bytes pass 1 proved, whatever happens to the original
 *      meanwhile — parse rows as they come, check each with the API's rules (card-rows.ts), and
 *      store them in batches: each batch is one transaction holding its cards, billing profiles, one
 *      `card.import` audit event per stored or merged card, and the run's progress — so a run killed anywhere
 *      (SIGKILL included) has stored exactly the rows up to its last committed batch, and the rerun starts after
 *      them: no row twice, none lost. One process at a time per run (an advisory lock held throughout).
 * A card already held by the user (same fingerprint) is merged: expiry and name updated, no second card.
 * The report (JSON Lines, one per data row: line number, outcome, code; brand and last 4 only — never a PAN) is
 * written before each batch commits and cut back to the committed rows when a run resumes.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, existsSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'csv-parse';
import * as openpgp from 'openpgp';
import type pg from 'pg';
import { SqlAuditStore } from '../audit/audit-store.ts';
import type { AuditEventInput } from '../audit/audit-event.ts';
import { SqlBillingProfileRepository } from '../billing-profiles/billing-profile-repository.ts';
import { sealAddress } from '../billing-profiles/billing-profile-secret.ts';
import { SqlCardRepository } from '../cards/card-repository.ts';
import { sealPan } from '../cards/card-secret.ts';
import type { Envelope, Sealed } from '../crypto/envelope.ts';
import type { Fingerprinter } from '../crypto/fingerprint.ts';
import { newId } from '../crypto/secret-hash.ts';
import { inTransaction, sqlOn, statement } from '../storage/sql.ts';
import { checkRow, requiredHeaders, type ColumnMapping, type RowOutcome } from './card-rows.ts';

export interface ImportDeps {
  readonly pool: pg.Pool;
  readonly envelope: Envelope;
  readonly fingerprinter: Fingerprinter;
  readonly decryptionKeys: readonly openpgp.PrivateKey[];
  readonly auditChains: number;
}

export interface ImportOptions {
  readonly tenantId: string;
  readonly file: string;
  readonly mapping: ColumnMapping;
  readonly reportFile: string;
  readonly dryRun: boolean;
  /** Rows per second at most (0: as fast as it goes), so the live vault keeps serving. */
  readonly rowsPerSecond: number;
  readonly batchSize: number;
  readonly now?: () => Date;
}

export interface ImportReport {
  readonly runId: string | null;
  readonly dryRun: boolean;
  /** Rows already done by an earlier attempt of this run (skipped now). */
  readonly resumedAfter: number;
  /** Rows this attempt checked (after the resumed ones). */
  readonly rows: number;
  readonly stored: number;
  readonly merged: number;
  readonly refused: number;
  readonly refusedByCode: Readonly<Record<string, number>>;
  readonly seconds: number;
  readonly peakRssMiB: number;
}

/** Why an import stops before its first row (a one-line reason, no file content). */
export class ImportRefused extends Error {
  override readonly name = 'ImportRefused';
}

const ACTOR = 'card-import';

/**
 * The decrypted rows of the verified copy as parsed records with their line numbers. A row whose field count is
 * not the header's comes back without a record (reported `row_malformed`, not fatal); a quote that never closes
 * ends the import with the line it reached.
 */
async function* decryptedRecords(copy: string, keys: readonly openpgp.PrivateKey[]) {
  const message = await openpgp.readMessage({ binaryMessage: Readable.toWeb(createReadStream(copy)) as unknown as ReadableStream<Uint8Array> });
  // The copy is what pass 1 authenticated: its plaintext may be released as it is decrypted.
  const { data } = await openpgp.decrypt({ message, decryptionKeys: [...keys], format: 'binary', config: { allowUnauthenticatedStream: true } });
  const parser = parse({ info: true, bom: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true, max_record_size: 64 * 1024 });
  // pipeline, not pipe: a decryption error reaches the parser (and this loop) instead of being thrown unhandled.
  pipeline(Readable.fromWeb(data as never), parser).catch((err: unknown) => parser.destroy(err as Error));
  let header: string[] | null = null;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        header = record.map((h) => h.trim());
        continue;
      }
      if (record.length !== header.length) {
        yield { record: null, header, line: info.lines };
        continue;
      }
      yield { record: Object.fromEntries(header.map((h, i) => [h, record[i] ?? ''])), header, line: info.lines };
    }
  } catch (err) {
    const lines = (err as { lines?: number }).lines;
    throw new ImportRefused(`the CSV cannot be read past line ${lines ?? '?'} (${(err as { code?: string }).code ?? 'malformed'})`);
  }
}

/** Pass 1: copies the file to `copy` and proves the copy opens and is intact; returns its sha256. */
async function verifyAndCopy(file: string, copy: string, keys: readonly openpgp.PrivateKey[]): Promise<string> {
  const hash = createHash('sha256');
  const bytes = createReadStream(file);
  const out = createWriteStream(copy, { mode: 0o600, flags: 'wx' });
  bytes.on('data', (chunk) => {
    hash.update(chunk as Buffer);
    out.write(chunk);
  });
  let message;
  try {
    message = await openpgp.readMessage({ binaryMessage: Readable.toWeb(bytes) as unknown as ReadableStream<Uint8Array> });
  } catch {
    throw new ImportRefused('not an OpenPGP message');
  }
  try {
    const { data } = await openpgp.decrypt({ message, decryptionKeys: [...keys], format: 'binary', config: { allowUnauthenticatedStream: true } });
    for await (const chunk of Readable.fromWeb(data as never)) void chunk; // discarded: only its integrity matters here
  } catch {
    throw new ImportRefused('the file does not decrypt with any import key, or it was altered');
  } finally {
    out.end();
    await new Promise<void>((resolve) => out.once('close', () => resolve()));
  }
  return hash.digest('hex');
}

/** Keeps only the report lines of rows 1..`rowsDone` (a resumed run reports the rest again). */
function cutReport(reportFile: string, rowsDone: number): void {
  if (!existsSync(reportFile)) return;
  const rowOf = (l: string) => {
    try {
      return (JSON.parse(l) as { row: number }).row;
    } catch {
      return Infinity; // a line torn by a crash mid-write: that row is reported again
    }
  };
  const kept = readFileSync(reportFile, 'utf8')
    .split('\n')
    .filter((l) => l && rowOf(l) <= rowsDone);
  writeFileSync(`${reportFile}.part`, kept.map((l) => `${l}\n`).join(''), { mode: 0o600 });
  renameSync(`${reportFile}.part`, reportFile);
}

interface Pending {
  /** The data row's number (1: the first row after the header). */
  readonly row: number;
  /** Its first line in the file (the header is line 1). */
  readonly line: number;
  readonly outcome: RowOutcome;
}

export async function importCards(deps: ImportDeps, options: ImportOptions): Promise<ImportReport> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'vault-import-'));
  let lock: pg.PoolClient | null = null;
  try {
    return await importFrom(deps, options, path.join(workDir, 'file.pgp'), (client) => (lock = client));
  } finally {
    (lock as pg.PoolClient | null)?.release(true); // ends the session: its advisory lock goes with it
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function importFrom(deps: ImportDeps, options: ImportOptions, copy: string, holdLock: (client: pg.PoolClient) => void): Promise<ImportReport> {
  const started = Date.now();
  const now = options.now ?? (() => new Date());
  if (deps.decryptionKeys.length === 0) throw new ImportRefused('no import key: run npm run cards:import-key first');
  const fileSha256 = await verifyAndCopy(options.file, copy, deps.decryptionKeys);

  // The run: new, or the earlier attempt on this same file (resumed after its last committed row).
  let runId: string | null = null;
  let resumedAfter = 0;
  if (!options.dryRun) {
    const found = await deps.pool.query<{ id: string; status: string; rows_done: number }>('SELECT id, status, rows_done FROM import_runs WHERE tenant_id = $1 AND file_sha256 = $2', [options.tenantId, fileSha256]);
    if (found.rows[0]?.status === 'completed') throw new ImportRefused(`this file was imported into this tenant already (run ${found.rows[0].id})`);
    if (found.rows[0]) {
      runId = found.rows[0].id;
    } else {
      runId = newId('imp_');
      await deps.pool.query(`INSERT INTO import_runs (id, tenant_id, file_sha256, status) VALUES ($1, $2, $3, 'running')`, [runId, options.tenantId, fileSha256]);
      await new SqlAuditStore(sqlOn(deps.pool), deps.auditChains).append({ action: 'card_import.start', outcome: 'success', actorService: ACTOR, requestId: runId, tenantId: options.tenantId, target: runId });
    }
    // One process per run: a second import of the same file while one runs is refused.
    const lock = await deps.pool.connect();
    holdLock(lock);
    const { rows: [held] } = await lock.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended('card-import|' || $1, 0)) AS ok`, [runId]);
    if (!held!.ok) throw new ImportRefused(`this file is being imported into this tenant by another process (run ${runId})`);
    resumedAfter = (await deps.pool.query<{ rows_done: number }>('SELECT rows_done FROM import_runs WHERE id = $1', [runId])).rows[0]!.rows_done;
  }
  // The report: cut back to the committed rows on a resume, else started empty. Written with writeSync, so a line
  // written before a batch's commit is in the file (the kernel's) even if the process is killed right after.
  if (resumedAfter > 0) cutReport(options.reportFile, resumedAfter);
  else writeFileSync(options.reportFile, '', { mode: 0o600 });
  const reportFd = openSync(options.reportFile, 'a', 0o600);
  const write = (lines: readonly ReportLine[]) => {
    if (lines.length) writeSync(reportFd, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  };

  const totals = { rows: 0, stored: 0, merged: 0, refused: 0 };
  const refusedByCode: Record<string, number> = {};
  const seenInDryRun = new Set<string>();
  let batch: Pending[] = [];
  let rowIndex = 0;
  let checkedHeader = false;
  const windowStart = Date.now();

  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    const lines = options.dryRun ? dryRunLines(rows, deps.fingerprinter, options.tenantId, seenInDryRun) : await storeBatch(deps, options.tenantId, runId!, rows, write);
    if (options.dryRun) write(lines);
    for (const l of lines) {
      if (l.outcome === 'refused') {
        totals.refused++;
        refusedByCode[l.code!] = (refusedByCode[l.code!] ?? 0) + 1;
      } else if (l.outcome === 'merged') totals.merged++;
      else totals.stored++;
    }
    // Pace: never ahead of rowsPerSecond since the start of this attempt.
    if (options.rowsPerSecond > 0) {
      const due = windowStart + ((rowIndex - resumedAfter) / options.rowsPerSecond) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
    }
  };

  try {
  for await (const { record, header, line } of decryptedRecords(copy, deps.decryptionKeys)) {
    if (!checkedHeader) {
      checkedHeader = true;
      const missing = requiredHeaders(options.mapping).filter((h) => !header.includes(h));
      if (missing.length) throw new ImportRefused(`the file has no column ${missing[0]!.slice(0, 60)}`);
    }
    rowIndex++;
    if (rowIndex <= resumedAfter) continue;
    totals.rows++;
    batch.push({ row: rowIndex, line, outcome: record ? checkRow(record, options.mapping, now()) : { ok: false, code: 'row_malformed' } });
    if (batch.length >= options.batchSize) await flush();
  }
  await flush();
  } finally {
    closeSync(reportFd);
  }

  if (runId) {
    const counts = await deps.pool.query<{ stored: number; merged: number; refused: number }>(
      `UPDATE import_runs SET status = 'completed', finished_at = now(), updated_at = now() WHERE id = $1 RETURNING stored, merged, refused`,
      [runId],
    );
    const c = counts.rows[0]!;
    await new SqlAuditStore(sqlOn(deps.pool), deps.auditChains).append({
      action: 'card_import.finish',
      outcome: 'success',
      actorService: ACTOR,
      requestId: runId,
      tenantId: options.tenantId,
      target: runId,
      reason: `rows=${rowIndex} stored=${c.stored} merged=${c.merged} refused=${c.refused}`,
    });
  }
  return {
    runId,
    dryRun: options.dryRun,
    resumedAfter,
    ...totals,
    refusedByCode,
    seconds: (Date.now() - started) / 1000,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

interface ReportLine {
  readonly row: number;
  readonly line: number;
  readonly outcome: 'stored' | 'merged' | 'refused' | 'valid';
  readonly code?: string;
  readonly brand?: string;
  readonly last4?: string;
  readonly cardId?: string;
}

function dryRunLines(rows: readonly Pending[], fingerprinter: Fingerprinter, tenantId: string, seen: Set<string>): ReportLine[] {
  return rows.map(({ row, line, outcome }) => {
    if (!outcome.ok) return { row, line, outcome: 'refused', code: outcome.code };
    const key = `${outcome.userId}|${fingerprinter.fingerprint(tenantId, outcome.pan.pan)}`;
    const merged = seen.has(key);
    seen.add(key);
    return { row, line, outcome: merged ? 'merged' : 'valid', brand: outcome.pan.brand, last4: outcome.pan.last4 };
  });
}

/** One batch: sealed first (no transaction held while encrypting), then written in one transaction with progress. */
async function storeBatch(deps: ImportDeps, tenantId: string, runId: string, rows: readonly Pending[], report: (lines: readonly ReportLine[]) => void): Promise<ReportLine[]> {
  type Prepared =
    | { readonly kind: 'refused'; readonly row: number; readonly line: number; readonly code: string }
    | {
        readonly kind: 'ready';
        readonly row: number;
        readonly line: number;
        readonly outcome: Extract<RowOutcome, { ok: true }>;
        readonly owner: { readonly tenantId: string; readonly userId: string };
        readonly id: string;
        readonly pan: Sealed;
        readonly profileId: string | null;
        readonly address: Sealed | null;
        readonly fingerprint: string;
        /** The card's fingerprints under older fingerprint keys still loaded (a fingerprint-key rotation). */
        readonly olderFingerprints: readonly string[];
      };
  const sealed = await Promise.all(
    rows.map(async ({ row, line, outcome }): Promise<Prepared> => {
      if (!outcome.ok) return { kind: 'refused', row, line, code: outcome.code };
      const owner = { tenantId, userId: outcome.userId };
      const id = newId('card_');
      const pan = await sealPan(deps.envelope, { id, ...owner }, outcome.pan.pan);
      const profileId = outcome.address ? newId('bp_') : null;
      const address = outcome.address && profileId ? await sealAddress(deps.envelope, { id: profileId, ...owner }, outcome.address) : null;
      const [fingerprint, ...olderFingerprints] = deps.fingerprinter.allFingerprints(tenantId, outcome.pan.pan);
      return { kind: 'ready', row, line, outcome, owner, id, pan, profileId, address, fingerprint: fingerprint!, olderFingerprints };
    }),
  );
  return inTransaction(deps.pool, async (sql) => {
    const audit = new SqlAuditStore(sql, deps.auditChains);
    const cards = new SqlCardRepository(sql, (event) => audit.record(event));
    const lines: ReportLine[] = [];
    const events: AuditEventInput[] = [];
    for (const s of sealed) {
      if (s.kind === 'refused') {
        lines.push({ row: s.row, line: s.line, outcome: 'refused', code: s.code });
        continue;
      }
      const o = s.outcome;
      // Already stored under an older fingerprint key (a fingerprint-key rotation in progress): that card is merged
      // and moved to the current fingerprint, as the API's add does.
      const older = s.olderFingerprints.length ? await cards.findByAnyFingerprint(s.owner, s.olderFingerprints) : null;
      const moved = older
        ? await cards.updateOwned(s.owner, older.id, { expMonth: o.expMonth, expYear: o.expYear, cardholderName: o.cardholderName, fingerprint: s.fingerprint, fingerprintKeyVersion: deps.fingerprinter.keyVersion })
        : null;
      const { card, created } = moved ? { card: moved, created: false } : await cards.insertOrUpdateDuplicate(
        {
          id: s.id,
          ...s.owner,
          billingProfileId: null,
          brand: o.pan.brand,
          bin: o.pan.bin,
          last4: o.pan.last4,
          expMonth: o.expMonth,
          expYear: o.expYear,
          cardholderName: o.cardholderName,
          fingerprint: s.fingerprint,
          fingerprintKeyVersion: deps.fingerprinter.keyVersion,
          ciphertext: s.pan.ciphertext,
          keyVersion: s.pan.keyVersion,
        },
        { expMonth: o.expMonth, expYear: o.expYear, cardholderName: o.cardholderName },
      );
      // A billing address is stored with a new card only (a merged card keeps its own).
      if (created && s.address && s.profileId) {
        await new SqlBillingProfileRepository(sql).insert({ id: s.profileId, ...s.owner, ciphertext: s.address.ciphertext, keyVersion: s.address.keyVersion });
        await cards.updateOwned(s.owner, card.id, { billingProfileId: s.profileId });
      }
      lines.push({ row: s.row, line: s.line, outcome: created ? 'stored' : 'merged', brand: card.brand, last4: card.last4, cardId: card.id });
      events.push({ action: 'card.import', outcome: 'success', actorService: ACTOR, requestId: runId, tenantId: s.owner.tenantId, userId: s.owner.userId, target: card.id, reason: created ? 'created' : 'merged' });
    }
    await audit.appendAll(events);
    const count = (o: ReportLine['outcome']) => lines.filter((l) => l.outcome === o).length;
    await sql.count(RECORD_PROGRESS, [
      runId,
      rows[rows.length - 1]!.row,
      count('stored'),
      count('merged'),
      count('refused'),
    ]);
    // The report before the commit: a crash after this line and before the commit re-reports these rows on the
    // rerun, after the resumed run has cut the report back to what was committed.
    report(lines);
    return lines;
  });
}

const RECORD_PROGRESS = statement(
  'import_runs_progress',
  'UPDATE import_runs SET rows_done = $2, stored = stored + $3, merged = merged + $4, refused = refused + $5, updated_at = now() WHERE id = $1',
);
