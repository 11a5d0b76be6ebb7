import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase, migrateDatabase, withDatabase } from './test-database.ts';

/**
 * Once per `npm test` run: a database of the run's own (`<base>_run_<random>`, on the server of
 * TEST_DATABASE_URL, default the local `vault_test`), created and migrated with the same offline path as
 * `npm run migrate`, handed to every test file through TEST_DATABASE_URL, and dropped at the end — so two runs
 * on one machine never share rows, locks or audit chains.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const base = process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/vault_test';
  const name = `${new URL(base).pathname.slice(1)}_run_${randomBytes(5).toString('hex')}`;
  const url = withDatabase(base, name);
  await ensureDatabase(url);
  await migrateDatabase(url);
  process.env['TEST_DATABASE_URL'] = url;
  return async () => {
    await dropDatabase(url);
  };
}
