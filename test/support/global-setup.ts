import { ensureDatabase, migrateDatabase, TEST_DATABASE_URL } from './test-database.ts';

/** Once per run: the shared test database exists and is migrated (the same offline path as `npm run migrate`). */
export default async function setup(): Promise<void> {
  await ensureDatabase(TEST_DATABASE_URL);
  await migrateDatabase(TEST_DATABASE_URL);
}
