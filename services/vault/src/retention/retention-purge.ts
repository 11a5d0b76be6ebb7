/**
 * Retention (PCI DSS 3.2.1: keep card data only as long as needed): deletes what the vault no longer needs —
 * cards past their expiry by more than the configured period (and the billing profiles only they used), card-entry sessions past their end, idempotency
 * records past their life — in batches, each batch one transaction with its audit event (`retention.purge`,
 * the kind and the count), so a run stopped anywhere has audited exactly what it deleted, and the next run
 * simply continues (the criteria are the same; nothing is remembered between runs). A dry run counts only.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { AuditStore } from '../audit/audit-store.ts';
import { inTransaction, sqlOn, statement, type Sql, type Statement } from '../storage/sql.ts';

export interface RetentionPolicy {
  /** Days after the end of a card's expiry month before it is deleted. */
  readonly expiredCardDays: number;
  /** Days after a card-entry session expired or was used before it is deleted. */
  readonly sessionDays: number;
}

export type RetentionKind = 'cards' | 'card_entry_sessions' | 'idempotency_records';

/** What each kind selects (`$1`: now, `$2`: the kind's period in days) — the same for counting and deleting. */
const ELIGIBLE: Record<RetentionKind, { readonly table: string; readonly key: string; readonly where: string; readonly days: (p: RetentionPolicy) => number }> = {
  // A card is valid to the last day of its expiry month: it expired at the start of the next month.
  cards: {
    table: 'cards',
    key: 'id',
    where: `(make_date("exp_year", "exp_month", 1) + interval '1 month' + make_interval(days => $2::int)) AT TIME ZONE 'UTC' <= $1::timestamptz`,
    days: (p) => p.expiredCardDays,
  },
  card_entry_sessions: {
    table: 'card_entry_sessions',
    key: 'id',
    where: `LEAST("expires_at", COALESCE("used_at", "expires_at")) + make_interval(days => $2::int) <= $1::timestamptz`,
    days: (p) => p.sessionDays,
  },
  // Idempotency records carry their own life (expires_at); no extra period.
  idempotency_records: { table: 'idempotency_records', key: 'key', where: `"expires_at" + make_interval(days => $2::int) <= $1::timestamptz`, days: () => 0 },
};
export const RETENTION_KINDS = Object.keys(ELIGIBLE) as RetentionKind[];

export interface RetentionReport {
  readonly runId: string | null;
  readonly dryRun: boolean;
  readonly counts: Readonly<Record<RetentionKind, number>>;
}

export interface RetentionDeps {
  readonly pool: pg.Pool;
  /** An audit store over the given transaction (so the event commits with the batch it describes). */
  readonly auditOn: (sql: Sql) => AuditStore;
}

/** What a dry run counts of a kind: the rows a run would delete now. */
const COUNT = Object.fromEntries(
  RETENTION_KINDS.map((kind) => {
    const e = ELIGIBLE[kind];
    return [kind, statement(`retention_count_${kind}`, `SELECT count(*)::int AS "n" FROM "${e.table}" WHERE ${e.where}`)];
  }),
) as Record<RetentionKind, Statement>;

/**
 * One batch of a kind: SKIP LOCKED leaves a row the live vault is writing right now to the next batch or run. Built
 * from the constants above, never from input.
 */
const PURGE = Object.fromEntries(
  RETENTION_KINDS.map((kind) => {
    const e = ELIGIBLE[kind];
    const profile = kind === 'cards' ? '"billing_profile_id"' : 'NULL::text AS "billing_profile_id"';
    return [
      kind,
      statement(
        `retention_purge_${kind}`,
        `DELETE FROM "${e.table}" WHERE "${e.key}" IN (SELECT "${e.key}" FROM "${e.table}" WHERE ${e.where} LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING ${profile}`,
      ),
    ];
  }),
) as Record<RetentionKind, Statement>;
const DELETE_ORPHANED_PROFILES = statement(
  'retention_purge_orphaned_profiles',
  `DELETE FROM "billing_profiles" b WHERE b."id" = ANY ($1::text[]) AND NOT EXISTS (SELECT 1 FROM "cards" c WHERE c."billing_profile_id" = b."id")`,
);

export async function purgeRetention(
  deps: RetentionDeps,
  policy: RetentionPolicy,
  options: { readonly dryRun: boolean; readonly batchSize: number; readonly now?: Date; readonly onBatch?: (kind: RetentionKind, deleted: number) => void },
): Promise<RetentionReport> {
  const now = options.now ?? new Date();
  const counts = { cards: 0, card_entry_sessions: 0, idempotency_records: 0 };
  if (options.dryRun) {
    const sql = sqlOn(deps.pool);
    for (const kind of RETENTION_KINDS) {
      counts[kind] = (await sql.rows<{ n: number }>(COUNT[kind], [now, ELIGIBLE[kind].days(policy)]))[0]!.n;
    }
    return { runId: null, dryRun: true, counts };
  }
  const runId = `ret_${randomUUID()}`;
  const purged = (target: string, deleted: number) =>
    ({ action: 'retention.purge', outcome: 'success', actorService: 'retention', requestId: runId, target, reason: `deleted=${deleted}` }) as const;
  for (const kind of RETENTION_KINDS) {
    const e = ELIGIBLE[kind];
    for (;;) {
      const deleted = await inTransaction(deps.pool, async (sql) => {
        // RETURNING each deleted row's billing profile (null but for cards): what may have lost its last card.
        const profileIds = (await sql.rows<{ billing_profile_id: string | null }>(PURGE[kind], [now, e.days(policy), options.batchSize])).map((r) => r.billing_profile_id);
        if (profileIds.length === 0) return 0;
        const audit = deps.auditOn(sql);
        await audit.append(purged(kind, profileIds.length));
        // A billing profile (name, address) that no card uses any more goes with the last card that used it.
        const profiles = await sql.count(DELETE_ORPHANED_PROFILES, [profileIds.filter(Boolean)]);
        if (profiles > 0) await audit.append(purged('billing_profiles', profiles));
        return profileIds.length;
      });
      counts[kind] += deleted;
      if (deleted > 0) options.onBatch?.(kind, deleted);
      if (deleted < options.batchSize) break;
    }
  }
  return { runId, dryRun: false, counts };
}
