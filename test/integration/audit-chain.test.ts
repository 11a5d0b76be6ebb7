import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAuditStore } from '../../services/vault/src/audit/audit-store.ts';
import { sqlOn } from '../../services/vault/src/storage/sql.ts';
import { verifyAuditChain } from '../../services/vault/src/audit/audit-verify.ts';
import { openDatabase, type Database } from '../../services/vault/src/storage/database.ts';
import { runNpmScript } from '../support/run-script.ts';
import { scratchDatabase } from '../support/test-database.ts';

let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
let db: Database;
beforeAll(async () => {
  scratch = await scratchDatabase();
  db = openDatabase({ url: scratch.url, poolMax: 4 });
  const audit = new SqlAuditStore(sqlOn(db.pool), 3);
  await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      audit.append({ action: 'card.read', outcome: 'success', actorService: 'account-settings', requestId: `r-${i}`, tenantId: 't', userId: `u-${i % 5}`, target: `card_${i}` }),
    ),
  );
});
afterAll(async () => {
  await db.close();
  await scratch.drop();
});

async function asSuperuser<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: scratch.url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe('the audit log is append-only and hash-chained', () => {
  it('chains concurrent writers without gaps, across several chains', async () => {
    const verdict = await verifyAuditChain(db.pool);
    expect(verdict).toEqual({ ok: true, events: 60, chains: 3 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    await expect(db.pool.query(`UPDATE audit_events SET outcome = 'denied' WHERE request_id = 'r-1'`)).rejects.toThrow(/append-only/);
    await expect(db.pool.query(`DELETE FROM audit_events WHERE request_id = 'r-1'`)).rejects.toThrow(/append-only/);
    await expect(db.pool.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    await expect(db.pool.query('DELETE FROM audit_chain_heads')).rejects.toThrow(/append-only/);
  });

  it('npm run audit:verify passes on the intact database', () => {
    const run = runNpmScript('audit:verify', { DATABASE_URL: scratch.url });
    expect(run.stdout).toMatch(/OK — 60 events in 3 chain\(s\)/);
    expect(run.status).toBe(0);
  });

  it('npm run audit:verify names the row a tamperer edited with the trigger disabled', async () => {
    const id = await asSuperuser(async (c) => {
      const { rows } = await c.query(`SELECT id::text AS id FROM audit_events WHERE request_id = 'r-17'`);
      await c.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
      await c.query(`UPDATE audit_events SET outcome = 'denied' WHERE request_id = 'r-17'`);
      await c.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
      return rows[0].id as string;
    });
    const run = runNpmScript('audit:verify', { DATABASE_URL: scratch.url });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`BROKEN at audit_events id=${id}`);
    expect(run.stderr).toContain('column outcome differs from the hashed body');

    // Re-hashing the edited row to hide it breaks the next link instead.
    await asSuperuser(async (c) => {
      await c.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
      await c.query(`UPDATE audit_events SET outcome = 'success' WHERE request_id = 'r-17'`);
      await c.query(`UPDATE audit_events SET body = replace(body, '"success"', '"denied"'), outcome = 'denied',
                       hash = encode(sha256(convert_to(prev_hash || replace(body, '"success"', '"denied"'), 'UTF8')), 'hex')
                     WHERE request_id = 'r-17'`);
      await c.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    });
    const verdict = await verifyAuditChain(db.pool);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.brokenAt.reason).toMatch(/prev_hash does not match|chain head/);
  });

  it('detects a deleted row and a deleted tail', async () => {
    const fresh = await scratchDatabase();
    const fdb = openDatabase({ url: fresh.url, poolMax: 2 });
    try {
      const audit = new SqlAuditStore(sqlOn(fdb.pool), 1);
      for (let i = 0; i < 5; i++) await audit.append({ action: 'x', outcome: 'success', actorService: 's', requestId: `d-${i}` });
      await fdb.pool.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
      await fdb.pool.query(`DELETE FROM audit_events WHERE request_id = 'd-4'`);
      let verdict = await verifyAuditChain(fdb.pool);
      expect(verdict.ok === false && verdict.brokenAt.reason).toMatch(/chain head/);
      await fdb.pool.query(`DELETE FROM audit_events WHERE request_id = 'd-2'`);
      verdict = await verifyAuditChain(fdb.pool);
      expect(verdict.ok === false && verdict.brokenAt.reason).toMatch(/sequence gap/);
    } finally {
      await fdb.close();
      await fresh.drop();
    }
  });
});
