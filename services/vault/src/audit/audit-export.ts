/**
 * The audit log as a file a QSA or a SIEM can check without the vault: JSON Lines, one header line, one line per
 * event with its hash links, one trailer line. `scripts/verify-audit-export.mjs` (one file, Node built-ins only)
 * verifies such a file on its own: every event's hash is sha256(prevHash + body), every prevHash the hash before
 * it in its chain, seqs contiguous from the header's `fromSeq` to its `headSeq`, the last hash the header's
 * `headHash`, and the trailer's count — so a changed, removed, added or reordered line, or a cut-off file, fails.
 *
 * Format (version 1):
 *   {"format":"payment-vault-audit-export","version":1,"exportedAt":…,"since":…|null,"continues":false,
 *    "chains":[{"chain":0,"fromSeq":"1","headSeq":"812","headHash":"…"},…]}
 *   {"chain":0,"seq":"1","prevHash":"000…","hash":"…","body":"{\"v\":1,\"chain\":0,\"occurredAt\":…}"}   × N
 *   {"end":true,"events":N,"digest":"<sha256 of every byte before this line>"}
 * `body` is the event's canonical JSON exactly as hashed (who, what, which record, outcome, reason: ids and codes,
 * never card data or a name). With `since`, each chain starts at its first event at or after that time and runs
 * to the head as it was when the export began. With `after` (the previous export's heads), each chain starts
 * right after the previous export ended, and the verifier's `--previous` checks the link between the two files.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { sqlOn, statement } from '../storage/sql.ts';
import { chainHeads } from './audit-chain-heads.ts';

export const EXPORT_FORMAT = 'payment-vault-audit-export';

export interface ChainRange {
  readonly chain: number;
  readonly fromSeq: string;
  readonly headSeq: string;
  readonly headHash: string;
}

export interface ExportSummary {
  readonly events: number;
  readonly chains: readonly ChainRange[];
}

const BATCH = 5_000;

/** A chain's first seq at or after a time (`$2`), up to its head as read (`$3`). */
const FIRST_SINCE = statement(
  'audit_export_first_since',
  'SELECT min("seq")::text AS "seq" FROM "audit_events" WHERE "chain" = $1 AND "occurred_at" >= $2 AND "seq" <= $3',
);
/** One page of a chain after `$2`, up to the head as read (`$3`); ordered by the bigint column, not the text alias (which would put seq 10 before 2). */
const PAGE = statement(
  'audit_export_page',
  `SELECT "seq"::text AS "seq", "prev_hash", "hash", "body" FROM "audit_events"
   WHERE "chain" = $1 AND "audit_events"."seq" > $2 AND "audit_events"."seq" <= $3 ORDER BY "audit_events"."seq" LIMIT $4`,
);

/**
 * Writes the export through `write` (one line at a time, newline included; awaited, so a slow destination holds
 * the reading back). Heads are read first: events appended while the export runs are left to the next one.
 */
export interface ExportOptions {
  /** Each chain from its first event at or after this time. */
  readonly since?: Date | null;
  /** Each chain right after this seq (the previous export's heads): exports that follow one another link up. */
  readonly after?: ReadonlyMap<number, string> | null;
  readonly now?: Date;
}

export async function exportAudit(pool: pg.Pool, options: ExportOptions, writeLine: (line: string) => Promise<void>): Promise<ExportSummary> {
  const digest = createHash('sha256');
  const write = (line: string) => {
    digest.update(line, 'utf8');
    return writeLine(line);
  };
  const sql = sqlOn(pool);
  const heads = await chainHeads(sql);
  const chains: ChainRange[] = [];
  for (const head of heads) {
    const previous = options.after?.get(head.chain);
    const from = previous !== undefined
      ? (BigInt(previous) + 1n).toString()
      : options.since
        ? (await sql.rows<{ seq: string | null }>(FIRST_SINCE, [head.chain, options.since, head.seq]))[0]?.seq
        : '1';
    // No event since then: an empty range that still names the head (fromSeq one past it).
    chains.push({ chain: head.chain, fromSeq: from ?? (BigInt(head.seq) + 1n).toString(), headSeq: head.seq, headHash: head.hash });
  }
  // `continues`: the chains start where an earlier export ended (--after). Without it and without `since`, every
  // chain must start at its genesis: the verifier refuses a file whose beginning was cut off.
  await write(
    `${JSON.stringify({ format: EXPORT_FORMAT, version: 1, exportedAt: (options.now ?? new Date()).toISOString(), since: options.since?.toISOString() ?? null, continues: Boolean(options.after), chains })}\n`,
  );
  let events = 0;
  for (const range of chains) {
    let after = (BigInt(range.fromSeq) - 1n).toString();
    for (;;) {
      const rows = await sql.rows<{ seq: string; prev_hash: string; hash: string; body: string }>(PAGE, [range.chain, after, range.headSeq, BATCH]);
      for (const row of rows) {
        await write(`${JSON.stringify({ chain: range.chain, seq: row.seq, prevHash: row.prev_hash, hash: row.hash, body: row.body })}\n`);
        events++;
      }
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1]!.seq;
    }
  }
  await writeLine(`${JSON.stringify({ end: true, events, digest: digest.digest('hex') })}\n`);
  return { events, chains };
}
