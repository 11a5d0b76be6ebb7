import { statement, type Sql } from '../storage/sql.ts';

/** A chain's head as `audit_chain_heads` records it: its last seq (as text: a bigint) and that event's hash. */
export interface ChainHead {
  readonly chain: number;
  readonly seq: string;
  readonly hash: string;
}

const HEADS = statement('audit_chain_heads_all', 'SELECT "chain", "seq"::text AS "seq", "hash" FROM "audit_chain_heads" ORDER BY "chain"');

/** Every chain's head, by chain: where audit:verify must end and audit:export stops. */
export function chainHeads(sql: Sql): Promise<ChainHead[]> {
  return sql.rows<ChainHead>(HEADS, []);
}
