/**
 * The work of `npm run migrate`, once migrate-cli.ts has parsed its command line: reads the configuration (exit 78
 * when invalid), applies the pending migrations and lists them; exit 1 on a failed or changed migration.
 */
import { loadConfigOrExit } from '../config/load-config.ts';
import { migrate, MigrationError } from './migrator.ts';
import { openConfiguredDatabase } from './open-configured-database.ts';

export async function runMigrate(): Promise<void> {
  const config = loadConfigOrExit(78);
  try {
    const { database, description, close } = await openConfiguredDatabase(config);
    const client = await database.pool.connect();
    try {
      const report = await migrate(client);
      console.log(`migrate: ${description}`);
      for (const name of report.alreadyApplied) console.log(`  already applied  ${name}`);
      for (const name of report.applied) console.log(`  applied          ${name}`);
      console.log(report.applied.length ? `migrate: ${report.applied.length} migration(s) applied` : 'migrate: database is up to date');
    } finally {
      client.release();
      await close();
    }
  } catch (err) {
    if (err instanceof MigrationError) console.error(err.message);
    else console.error(`migrate: failed (${(err as Error).name}: ${(err as Error).message})`);
    process.exitCode = 1;
  }
}
