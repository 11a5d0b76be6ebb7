import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../services/vault/src/storage/migrator.ts';

/** This run's test database (made by the global setup; TEST_DATABASE_URL names the server and base name). */
export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/vault_test';

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates the database if missing (connecting to the `postgres` maintenance database). */
export async function ensureDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
}

export async function migrateDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await migrate(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database of its own, for tests that must break things (tamper the audit chain). */
export async function scratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `vault_scratch_${randomBytes(6).toString('hex')}`;
  const url = withDatabase(TEST_DATABASE_URL, name);
  await ensureDatabase(url);
  await migrateDatabase(url);
  return {
    url,
    drop: () => dropDatabase(url),
  };
}

/**
 * A fresh database copied from `template` (PostgreSQL's `CREATE DATABASE … TEMPLATE`): a file copy, so a suite
 * that needs the same seeded rows several times encrypts them once. Nothing may be connected to the template.
 */
export async function copyOfDatabase(template: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `vault_scratch_${randomBytes(6).toString('hex')}`;
  const url = withDatabase(TEST_DATABASE_URL, name);
  const admin = new pg.Client({ connectionString: withDatabase(TEST_DATABASE_URL, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${new URL(template).pathname.slice(1)}"`);
  } finally {
    await admin.end();
  }
  return { url, drop: () => dropDatabase(url) };
}

/** Drops the database of `url` (closing its connections). */
export async function dropDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
