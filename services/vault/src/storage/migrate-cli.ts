/**
 * `npm run migrate`: applies prisma/migrations to the configured database without Prisma's engine binary,
 * recording them in `_prisma_migrations` as `prisma migrate deploy` would. See README "Migrations, offline".
 * This file only parses the command line (so `--help` loads nothing of the vault); migrate-run.ts does the work.
 */
import { commandLine } from '../cli/command-line.ts';

commandLine({
  usage: [
    'usage: npm run migrate   — applies prisma/migrations to DATABASE_URL (or the dev embedded database) with no',
    'engine binary, recording them in _prisma_migrations as `prisma migrate deploy` does. Exit 1 on a failed or',
    'changed migration, 78 on invalid configuration.',
  ].join('\n'),
});
const { runMigrate } = await import('./migrate-run.ts');
await runMigrate();
