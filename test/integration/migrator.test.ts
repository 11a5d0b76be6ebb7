import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { migrate, MIGRATIONS_DIR, readMigrations } from '../../services/vault/src/storage/migrator.ts';
import { runNpmScript } from '../support/run-script.ts';
import { ensureDatabase, TEST_DATABASE_URL } from '../support/test-database.ts';

const url = TEST_DATABASE_URL.replace(/\/[^/]*$/, `/vault_migrate_${process.pid}`);
let client: pg.Client;
beforeAll(async () => {
  await ensureDatabase(url);
  client = new pg.Client({ connectionString: url });
  await client.connect();
});
afterAll(async () => {
  await client.end();
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "vault_migrate_${process.pid}" WITH (FORCE)`);
  await admin.end();
});

describe('offline migrations, recorded as prisma migrate deploy records them', () => {
  it('npm run migrate applies every migration folder and records it in _prisma_migrations', async () => {
    const run = runNpmScript('migrate', { DATABASE_URL: url });
    expect(run.status, run.stderr).toBe(0);
    const { rows } = await client.query('SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, logs FROM "_prisma_migrations" ORDER BY migration_name');
    const folders = readMigrations();
    expect(rows.map((r) => r.migration_name)).toEqual(folders.map((m) => m.name));
    for (const row of rows) {
      const sql = readFileSync(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row).toMatchObject({ rolled_back_at: null, applied_steps_count: 1, logs: null });
      expect(row.finished_at).toBeInstanceOf(Date);
    }
    // The table has exactly Prisma's columns and types.
    const { rows: cols } = await client.query(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(cols.map((c) => `${c.column_name}:${c.data_type}:${c.is_nullable}`)).toEqual([
      'id:character varying:NO',
      'checksum:character varying:NO',
      'finished_at:timestamp with time zone:YES',
      'migration_name:character varying:NO',
      'logs:text:YES',
      'rolled_back_at:timestamp with time zone:YES',
      'started_at:timestamp with time zone:NO',
      'applied_steps_count:integer:NO',
    ]);
  });

  it('is idempotent', async () => {
    const report = await migrate(client);
    expect(report.applied).toEqual([]);
    expect(report.alreadyApplied.length).toBeGreaterThan(0);
  });

  it('refuses a migration edited after it was applied', async () => {
    const [first] = readMigrations();
    await expect(migrate(client, [{ ...first!, sql: first!.sql + '\n-- edited', checksum: 'f'.repeat(64) }])).rejects.toThrow(/modified after it was applied/);
  });

  it('rolls a failing migration back whole and records nothing for it', async () => {
    const bad = { name: '29991231000000_broken', sql: 'CREATE TABLE "half_done" (id int); SELECT * FROM "no_such_table";', checksum: 'a'.repeat(64) };
    await expect(migrate(client, [...readMigrations(), bad])).rejects.toThrow(/29991231000000_broken failed and was rolled back/);
    const { rows } = await client.query(`SELECT to_regclass('half_done') AS t, (SELECT count(*)::int FROM "_prisma_migrations" WHERE migration_name = $1) AS n`, [bad.name]);
    expect(rows[0]).toEqual({ t: null, n: 0 });
  });
});
