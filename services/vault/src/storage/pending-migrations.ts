import type { ClientBase } from 'pg';
import type { Migration } from './migrator.ts';

/** Migrations in the repository that the database has not finished applying. */
export async function pendingMigrations(client: ClientBase, migrations: readonly Migration[]): Promise<string[]> {
  const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS t`);
  if (!exists.rows[0]?.t) return migrations.map((m) => m.name);
  const { rows } = await client.query<{ migration_name: string }>(
    'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
  );
  const applied = new Set(rows.map((r) => r.migration_name));
  return migrations.filter((m) => !applied.has(m.name)).map((m) => m.name);
}
