/**
 * The work of `npm run audit:export`, once export-cli.ts has parsed its command line: reads the configuration
 * (exit 78 when invalid), writes the export (audit-export.ts) to a file or standard output, and records the
 * export itself in the audit log (`audit.export`, with the count and the range).
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { loadConfigOrExit } from '../config/load-config.ts';
import { openConfiguredDatabase } from '../storage/open-configured-database.ts';
import { sqlOn } from '../storage/sql.ts';
import { EXPORT_FORMAT, exportAudit, type ChainRange } from './audit-export.ts';
import { SqlAuditStore } from './audit-store.ts';

/** Writes a line, waiting for the destination to drain when it asks to. */
function lineWriter(stream: NodeJS.WritableStream | WriteStream) {
  return async (line: string) => {
    if (!stream.write(line)) await once(stream, 'drain');
  };
}

/** The heads an earlier export ended at (its header line): chain → headSeq. */
async function headsOf(file: string): Promise<Map<number, string>> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    const header = JSON.parse(line) as { format?: unknown; chains?: ChainRange[] };
    if (header.format !== EXPORT_FORMAT || !Array.isArray(header.chains)) throw Object.assign(new Error('not an audit export'), { code: 'NOT_AN_EXPORT' });
    return new Map(header.chains.map((c) => [c.chain, c.headSeq]));
  }
  throw Object.assign(new Error('empty file'), { code: 'NOT_AN_EXPORT' });
}

export async function runAuditExport({ since, after, out }: { readonly since: Date | null; readonly after: string | null; readonly out: string | null }): Promise<void> {
  const config = loadConfigOrExit(78);
  const part = out ? `${out}.part` : null;
  try {
    const afterHeads = after ? await headsOf(after) : null;
    const { database, close } = await openConfiguredDatabase(config);
    try {
      const stream = part ? createWriteStream(part, { mode: 0o600, flags: 'wx' }) : process.stdout;
      // A write error (the file exists, the disk is full) fails the export instead of crashing the process.
      const failed = new Promise<never>((_, reject) => stream.once('error', reject));
      failed.catch(() => {});
      const summary = await Promise.race([exportAudit(database.pool, { since, after: afterHeads }, lineWriter(stream)), failed]);
      if (part) {
        stream.end();
        await Promise.race([once(stream, 'finish'), failed]);
        renameSync(part, out!);
      }
      const audit = new SqlAuditStore(sqlOn(database.pool), config.audit.chains);
      await audit.append({
        action: 'audit.export',
        outcome: 'success',
        actorService: 'audit-export',
        requestId: `export_${randomUUID()}`,
        reason: `events=${summary.events} from=${after ? 'previous_export' : (since?.toISOString() ?? 'start')}`,
      });
      console.error(`audit:export: ${summary.events} events in ${summary.chains.length} chain(s)${out ? ` written to ${out}` : ''}`);
      for (const c of summary.chains) console.error(`  chain ${c.chain}: seq ${c.fromSeq}..${c.headSeq}, head ${c.headHash}`);
    } finally {
      await close();
    }
  } catch (err) {
    if (part) rmSync(part, { force: true });
    console.error(`audit:export: failed (${(err as NodeJS.ErrnoException).code ?? (err as Error).name})`);
    process.exitCode = 2;
  }
}
