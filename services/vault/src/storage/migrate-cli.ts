/**
 * `npm run migrate`: applies prisma/migrations to the configured database without Prisma's engine binary,
 * recording them in `_prisma_migrations` as `prisma migrate deploy` would. See README "Migrations, offline".
 */
import { commandLine } from '../cli/command-line.ts';
import { loadConfigOrExit } from '../config/load-config.ts';
import { migrate, MigrationError } from './migrator.ts';
import { openConfiguredDatabase } from './open-configured-database.ts';

commandLine({
  usage: [
    'usage: npm run migrate   — applies prisma/migrations to DATABASE_URL (or the dev embedded database) with no',
    'engine binary, recording them in _prisma_migrations as `prisma migrate deploy` does. Exit 1 on a failed or',
    'changed migration, 78 on invalid configuration.',
  ].join('\n'),
});
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
