import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAuditStore } from '../../services/vault/src/audit/audit-store.ts';
import { verifyAuditChain } from '../../services/vault/src/audit/audit-verify.ts';
import { purgeRetention, type RetentionKind } from '../../services/vault/src/retention/retention-purge.ts';
import { openDatabase, type Database } from '../../services/vault/src/storage/database.ts';
import type { Sql } from '../../services/vault/src/storage/sql.ts';
import { runNpmScriptAsync } from '../support/run-script.ts';
import { scratchDatabase } from '../support/test-database.ts';

/**
 * `npm run retention:purge`: cards past their expiry by more than the period, card-entry sessions past their end,
 * idempotency records past their life — deleted in audited batches, with exact counts; nothing else touched; a
 * run stopped between batches has audited exactly what it deleted and the next run finishes the job.
 */
let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
let db: Database;
// Last month's cards ended at most 31 days ago (kept); cards of 3+ months ago ended at least 59 days ago (deleted).
const POLICY = { expiredCardDays: 40, sessionDays: 7 };
const now = new Date();
const DAY = 86_400_000;

/** The expiry month `monthsAgo` months before this one (0: this month, still valid). */
function monthsAgo(n: number): { month: number; year: number } {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, 1));
  return { month: d.getUTCMonth() + 1, year: d.getUTCFullYear() };
}

async function seed(prefix: string, counts: { oldCards: number; recentCards: number; validCards: number; oldSessions: number; liveSessions: number; oldIdem: number; liveIdem: number }) {
  const card = async (id: string, exp: { month: number; year: number }) =>
    db.pool.query(
      `INSERT INTO cards (id, tenant_id, user_id, brand, bin, last4, exp_month, exp_year, cardholder_name, fingerprint, fingerprint_key_version, ciphertext, key_version)
       VALUES ($1, 't-ret', $2, 'visa', '424242', '4242', $3, $4, 'R', $5, 'v1', '\\x00', 'v1')`,
      [id, `u-${id}`, exp.month, exp.year, `fp-${id}`],
    );
  for (let i = 0; i < counts.oldCards; i++) await card(`card_${prefix}old${i}`, monthsAgo(3 + i));
  for (let i = 0; i < counts.recentCards; i++) await card(`card_${prefix}recent${i}`, monthsAgo(1));
  for (let i = 0; i < counts.validCards; i++) await card(`card_${prefix}valid${i}`, { month: 12, year: now.getUTCFullYear() + 2 });
  const session = (id: string, expiresAt: Date, usedAt: Date | null) =>
    db.pool.query(`INSERT INTO card_entry_sessions (id, secret_hash, tenant_id, user_id, created_by, expires_at, used_at) VALUES ($1, $2, 't-ret', 'u', 'account-settings', $3, $4)`, [id, `h-${id}`, expiresAt, usedAt]);
  for (let i = 0; i < counts.oldSessions; i++) await session(`cs_${prefix}old${i}`, new Date(now.getTime() - 9 * DAY), i % 2 ? new Date(now.getTime() - 9.5 * DAY) : null);
  for (let i = 0; i < counts.liveSessions; i++) await session(`cs_${prefix}live${i}`, new Date(now.getTime() + 600_000), null);
  const idem = (key: string, expiresAt: Date) =>
    db.pool.query(`INSERT INTO idempotency_records (key, request_digest, status, content_type, response, key_version, expires_at) VALUES ($1, 'd', 201, 'application/json', '\\x00', 'v1', $2)`, [key, expiresAt]);
  for (let i = 0; i < counts.oldIdem; i++) await idem(`${prefix}old${i}`, new Date(now.getTime() - 60_000));
  for (let i = 0; i < counts.liveIdem; i++) await idem(`${prefix}live${i}`, new Date(now.getTime() + DAY));
}

const count = async (table: string) => (await db.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
const auditedDeletes = async () => {
  const { rows } = await db.pool.query(`SELECT target, body::json->>'reason' AS reason FROM audit_events WHERE action = 'retention.purge'`);
  const sums: Record<string, number> = {};
  for (const r of rows) sums[r.target] = (sums[r.target] ?? 0) + Number(String(r.reason).replace('deleted=', ''));
  return sums;
};
const deps = () => ({ pool: db.pool, auditOn: (sql: Sql) => new SqlAuditStore(sql, 3) });

beforeAll(async () => {
  scratch = await scratchDatabase();
  db = openDatabase({ url: scratch.url, poolMax: 4 });
}, 60_000);
afterAll(async () => {
  await db?.close();
  await scratch?.drop();
});

describe('retention purge', () => {
  it('a dry run counts exactly what is past retention and deletes nothing', async () => {
    await seed('a', { oldCards: 7, recentCards: 3, validCards: 4, oldSessions: 5, liveSessions: 2, oldIdem: 6, liveIdem: 3 });
    const report = await purgeRetention(deps(), POLICY, { dryRun: true, batchSize: 100, now });
    expect(report).toEqual({ runId: null, dryRun: true, counts: { cards: 7, card_entry_sessions: 5, idempotency_records: 6 } });
    expect([await count('cards'), await count('card_entry_sessions'), await count('idempotency_records')]).toEqual([14, 7, 9]);
    expect(await auditedDeletes()).toEqual({});
  });

  it('stopped after its first batch, it has audited exactly what it deleted; the next run finishes the job', async () => {
    let batches = 0;
    await expect(
      purgeRetention(deps(), POLICY, {
        dryRun: false,
        batchSize: 2,
        now,
        onBatch: () => {
          if (++batches === 1) throw new Error('stopped');
        },
      }),
    ).rejects.toThrow('stopped');
    expect(await auditedDeletes()).toEqual({ cards: 2 });
    expect(await count('cards')).toBe(12);

    const report = await purgeRetention(deps(), POLICY, { dryRun: false, batchSize: 2, now });
    expect(report.counts).toEqual({ cards: 5, card_entry_sessions: 5, idempotency_records: 6 });
    expect(await auditedDeletes()).toEqual({ cards: 7, card_entry_sessions: 5, idempotency_records: 6 } satisfies Record<RetentionKind, number>);
    // What is within retention is all still there.
    const { rows } = await db.pool.query(`SELECT id FROM cards ORDER BY id`);
    expect(rows.map((r) => r.id)).toEqual([...['arecent0', 'arecent1', 'arecent2'], ...['avalid0', 'avalid1', 'avalid2', 'avalid3']].map((s) => `card_${s}`).sort());
    expect([await count('card_entry_sessions'), await count('idempotency_records')]).toEqual([2, 3]);
    expect(await verifyAuditChain(db.pool)).toMatchObject({ ok: true });
  });

  it("a billing profile goes with the last expired card that used it, not while a valid card still uses it", async () => {
    const profile = (id: string) => db.pool.query(`INSERT INTO billing_profiles (id, tenant_id, user_id, ciphertext, key_version) VALUES ($1, 't-ret', 'u-p', '\\x00', 'v1')`, [id]);
    await profile('bp_only_old');
    await profile('bp_shared');
    const card = (id: string, exp: { month: number; year: number }, bp: string) =>
      db.pool.query(
        `INSERT INTO cards (id, tenant_id, user_id, billing_profile_id, brand, bin, last4, exp_month, exp_year, cardholder_name, fingerprint, fingerprint_key_version, ciphertext, key_version)
         VALUES ($1, 't-ret', 'u-p', $2, 'visa', '424242', '4242', $3, $4, 'R', $5, 'v1', '\\x00', 'v1')`,
        [id, bp, exp.month, exp.year, `fp-${id}`],
      );
    await card('card_p_old1', monthsAgo(4), 'bp_only_old');
    await card('card_p_old2', monthsAgo(5), 'bp_shared');
    await card('card_p_valid', { month: 12, year: now.getUTCFullYear() + 1 }, 'bp_shared');
    await purgeRetention(deps(), POLICY, { dryRun: false, batchSize: 100, now });
    const left = await db.pool.query(`SELECT id FROM billing_profiles WHERE id IN ('bp_only_old', 'bp_shared') ORDER BY id`);
    expect(left.rows.map((r) => r.id)).toEqual(['bp_shared']);
    const audited = await db.pool.query(`SELECT body::json->>'reason' AS reason FROM audit_events WHERE action = 'retention.purge' AND target = 'billing_profiles'`);
    expect(audited.rows).toEqual([{ reason: 'deleted=1' }]);
  });

  it('npm run retention:purge: the same through the command, with the configured periods, then nothing left to do', async () => {
    await seed('b', { oldCards: 3, recentCards: 0, validCards: 1, oldSessions: 2, liveSessions: 0, oldIdem: 1, liveIdem: 0 });
    const env = { DATABASE_URL: scratch.url, VAULT_RETENTION_EXPIRED_CARD_DAYS: '40', VAULT_RETENTION_SESSION_DAYS: '7' };
    const dry = await runNpmScriptAsync('retention:purge', env, ['--dry-run', '--json']);
    expect(dry.status, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout).counts).toEqual({ cards: 3, card_entry_sessions: 2, idempotency_records: 1 });
    const run = await runNpmScriptAsync('retention:purge', env, ['--json']);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ dryRun: false, counts: { cards: 3, card_entry_sessions: 2, idempotency_records: 1 } });
    const again = await runNpmScriptAsync('retention:purge', env, ['--json']);
    expect(JSON.parse(again.stdout).counts).toEqual({ cards: 0, card_entry_sessions: 0, idempotency_records: 0 });
    // A longer period keeps them: cards 3–4 months past expiry are kept under 365 days.
    await seed('c', { oldCards: 2, recentCards: 0, validCards: 0, oldSessions: 0, liveSessions: 0, oldIdem: 0, liveIdem: 0 });
    const kept = await runNpmScriptAsync('retention:purge', { ...env, VAULT_RETENTION_EXPIRED_CARD_DAYS: '365' }, ['--dry-run', '--json']);
    expect(JSON.parse(kept.stdout).counts.cards).toBe(0);
  }, 60_000);
});
