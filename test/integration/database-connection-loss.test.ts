import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../services/vault/src/storage/database.ts';
import { TEST_DATABASE_URL } from '../support/test-database.ts';

/**
 * A connection the vault holds between two statements (inside a transaction) whose backend is terminated must not
 * crash the process: node-postgres emits 'error' on that client, and the pool listens only to idle ones. The fault
 * suite met it as an uncaught exception under pg_terminate_backend.
 */
describe('a database connection lost while checked out', () => {
  it('is no uncaught exception; the pool serves the next query', async () => {
    const db = openDatabase({ url: TEST_DATABASE_URL, poolMax: 2 });
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    const uncaught: unknown[] = [];
    const record = (err: unknown) => void uncaught.push(err);
    process.on('uncaughtException', record);
    try {
      const held = await db.pool.connect();
      await held.query('BEGIN');
      const { rows } = await held.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      await new Promise((r) => setTimeout(r, 300));
      expect(uncaught).toEqual([]);
      await expect(held.query('SELECT 1')).rejects.toThrow();
      held.release(true);
      await expect(db.pool.query('SELECT 1 AS ok')).resolves.toMatchObject({ rows: [{ ok: 1 }] });
    } finally {
      process.off('uncaughtException', record);
      await admin.end();
      await db.close();
    }
  });
});
