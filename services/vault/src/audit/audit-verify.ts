import { createHash } from 'node:crypto';
import type pg from 'pg';
import { sqlOn, statement } from '../storage/sql.ts';
import { chainHeads } from './audit-chain-heads.ts';
import { canonicalBody, type AuditRecord } from './audit-event.ts';

export type ChainVerdict =
  | { readonly ok: true; readonly events: number; readonly chains: number }
  | {
      readonly ok: false;
      readonly events: number;
      readonly brokenAt: { readonly id: string; readonly chain: number; readonly seq: string; readonly reason: string };
    };

const GENESIS = '0'.repeat(64);

interface Row {
  id: string;
  chain: number;
  seq: string;
  occurred_at: Date;
  actor_service: string;
  user_id: string | null;
  tenant_id: string | null;
  action: string;
  target: string | null;
  outcome: string;
  request_id: string;
  body: string;
  prev_hash: string;
  hash: string;
}

/** One page of a chain: every column, after seq `$2`. */
const PAGE = statement(
  'audit_verify_page',
  `SELECT "id"::text AS "id", "chain", "seq"::text AS "seq", "occurred_at", "actor_service", "user_id", "tenant_id", "action", "target",
          "outcome", "request_id", "body", "prev_hash", "hash"
     FROM "audit_events" WHERE "chain" = $1 AND "audit_events"."seq" > $2 ORDER BY "audit_events"."seq" LIMIT $3`,
);

/**
 * Walks every chain in order and recomputes it: each row's prev_hash must be the previous row's hash, its hash
 * sha256(prev_hash || body), its seq one more than the previous, and every column must equal what `body` says.
 * Finally each chain's last row must be the recorded chain head (a deleted tail is caught there).
 * Returns the first row that breaks any of these.
 */
export async function verifyAuditChain(pool: pg.Pool, batchSize = 5_000): Promise<ChainVerdict> {
  const sql = sqlOn(pool);
  const heads = new Map((await chainHeads(sql)).map((h) => [h.chain, h]));
  let events = 0;
  const chains = [...heads.keys()].sort((a, b) => a - b);
  for (const chain of chains) {
    let prevHash = GENESIS;
    let prevSeq = 0n;
    let last: Row | null = null;
    for (;;) {
      const rows = await sql.rows<Row>(PAGE, [chain, prevSeq.toString(), batchSize]);
      for (const row of rows) {
        events++;
        const broken = (reason: string): ChainVerdict => ({
          ok: false,
          events,
          brokenAt: { id: row.id, chain, seq: row.seq, reason },
        });
        if (BigInt(row.seq) !== prevSeq + 1n) return broken('sequence gap (a row is missing before this one)');
        if (row.prev_hash !== prevHash) return broken('prev_hash does not match the previous row');
        const expected = createHash('sha256').update(prevHash + row.body, 'utf8').digest('hex');
        if (row.hash !== expected) return broken('hash does not match prev_hash and body');
        const mismatch = columnMismatch(row);
        if (mismatch) return broken(`column ${mismatch} differs from the hashed body`);
        prevHash = row.hash;
        prevSeq = BigInt(row.seq);
        last = row;
      }
      if (rows.length < batchSize) break;
    }
    const head = heads.get(chain)!;
    if (head.seq !== prevSeq.toString() || head.hash !== prevHash) {
      return {
        ok: false,
        events,
        brokenAt: { id: last?.id ?? '-', chain, seq: head.seq, reason: 'chain head does not match the last row (rows removed at the end)' },
      };
    }
  }
  return { ok: true, events, chains: chains.length };
}

function columnMismatch(row: Row): string | null {
  let body: AuditRecord;
  try {
    body = JSON.parse(row.body) as AuditRecord;
  } catch {
    return 'body';
  }
  if (canonicalBody(body) !== row.body) return 'body';
  const checks: Array<[string, unknown, unknown]> = [
    ['chain', row.chain, body.chain],
    ['occurred_at', row.occurred_at.toISOString(), body.occurredAt],
    ['actor_service', row.actor_service, body.actorService],
    ['user_id', row.user_id, body.userId],
    ['tenant_id', row.tenant_id, body.tenantId],
    ['action', row.action, body.action],
    ['target', row.target, body.target],
    ['outcome', row.outcome, body.outcome],
    ['request_id', row.request_id, body.requestId],
  ];
  return checks.find(([, column, hashed]) => column !== hashed)?.[0] ?? null;
}
