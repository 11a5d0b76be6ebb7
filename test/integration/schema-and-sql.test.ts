import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { parsePrismaSchema, schemaDrift, type DatabaseColumn, type PrismaSchema } from '../support/prisma-schema.ts';
import { scratchDatabase } from '../support/test-database.ts';

/**
 * prisma/schema.prisma, prisma/migrations and the SQL the vault sends must agree, with no Prisma Client to tie
 * them together: (a) the tables and columns a freshly migrated database has are exactly the ones schema.prisma
 * declares (names, types, nullability), so the schema and the migrations cannot drift apart; (b) every statement
 * declared with `statement()` PREPAREs against that database, so SQL naming a column or table the schema does
 * not have fails here, not on the request that first sends it.
 */
interface Declared {
  readonly modules: readonly string[];
  readonly statements: ReadonlyArray<{ readonly name: string; readonly text: string }>;
}

let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
let client: pg.Client;
let schema: PrismaSchema;
let declared: Declared;

beforeAll(async () => {
  schema = parsePrismaSchema(readFileSync(`${REPO_ROOT}/prisma/schema.prisma`, 'utf8'));
  // In a process of its own: test files sharing this worker declare statements (and tables) of their own.
  const listing = promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/support/declared-statements.ts'], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 });
  listing.catch(() => {}); // awaited below; not an unhandled rejection while the database is made
  scratch = await scratchDatabase();
  client = new pg.Client({ connectionString: scratch.url });
  await client.connect();
  declared = JSON.parse((await listing).stdout) as Declared;
}, 120_000);
afterAll(async () => {
  await client?.end();
  await scratch?.drop();
});

/** The columns of the migrated database's tables (its own migration bookkeeping left out). */
async function databaseColumns(): Promise<DatabaseColumn[]> {
  const { rows } = await client.query<DatabaseColumn>(
    `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, c.datetime_precision
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name <> '_prisma_migrations'
      ORDER BY c.table_name, c.ordinal_position`,
  );
  return rows;
}

describe('schema.prisma and the migrations describe the same tables', () => {
  it('the parser reads every model (the known ones are there, each with columns)', () => {
    expect(schema.tables.map((t) => t.table)).toEqual(expect.arrayContaining(['cards', 'billing_profiles', 'audit_events', 'key_versions', 'key_canaries']));
    for (const table of schema.tables) expect(table.columns.length, table.model).toBeGreaterThan(0);
    const cards = schema.tables.find((t) => t.table === 'cards')!;
    // @map, optional, native type, and the relation field left out.
    expect(cards.columns.find((c) => c.field === 'billingProfileId')).toMatchObject({ column: 'billing_profile_id', type: 'String', optional: true });
    expect(cards.columns.find((c) => c.field === 'createdAt')).toMatchObject({ column: 'created_at', nativeType: 'Timestamptz(3)', optional: false });
    expect(cards.columns.map((c) => c.field)).not.toContain('billingProfile');
  });

  it('the migrated database has exactly the tables and columns schema.prisma declares, with their types and nullability', async () => {
    expect(schemaDrift(schema, await databaseColumns())).toEqual([]);
  });

  it('a schema.prisma that drifted from the migrations is reported, each difference by name (the check can fail)', async () => {
    const source = readFileSync(`${REPO_ROOT}/prisma/schema.prisma`, 'utf8');
    const drifted = source
      .replace(/^  last4 +String$/m, '  lastFour String @map("last_four")') // renamed column
      .replace('usedAt           DateTime? @map("used_at")', 'usedAt           DateTime  @map("used_at")') // made required
      .replace('status        Int\n', 'status        BigInt\n') // another type
      .replace(/\nmodel KeyCanary \{[\s\S]*?\n\}\n/, '\n'); // a table without a model
    expect(drifted).not.toBe(source);
    expect(schemaDrift(parsePrismaSchema(drifted), await databaseColumns()).sort()).toEqual(
      [
        'table key_canaries: in the database, no model maps to it in schema.prisma',
        'cards.last4: in the database, not in schema.prisma (model Card)',
        'cards.last_four: in schema.prisma (Card.lastFour), not in the database',
        'card_entry_sessions.used_at: nullable in the database, required in schema.prisma',
        'idempotency_records.status: integer in the database, bigint in schema.prisma',
      ].sort(),
    );
  });
});

describe('every declared SQL statement prepares against the migrated schema', () => {
  it('the statements of every repository and tool were collected', () => {
    const names = declared.statements.map((s) => s.name);
    // One from each kind of declaring module: request-path repositories, the tools, the on-demand ones.
    expect(names).toEqual(
      expect.arrayContaining([
        'idempotency_records_find',
        'key_versions_retired',
        'key_canaries_all',
        'audit_chain_heads_all',
        'audit_export_page',
        'audit_verify_page',
        'retention_count_cards',
        'audit_events_append_1',
        'key_versions_in:cards.fingerprint_key_version',
      ]),
    );
    expect(declared.modules).toEqual(expect.arrayContaining(['services/vault/src/cards/card-repository.ts', 'services/vault/src/retention/retention-purge.ts']));
  });

  it('every name fits PostgreSQL’s 63 bytes (a longer one is cut, and two cut alike collide on a connection)', () => {
    expect(declared.statements.filter((s) => Buffer.byteLength(s.name) > 63).map((s) => s.name)).toEqual([]);
  });

  it('each one PREPAREs: every table, column and function it names exists', async () => {
    const refused: string[] = [];
    for (const [i, s] of declared.statements.entries()) {
      // PREPARE parses and analyses (names resolved, parameter types inferred) without running anything.
      await client.query(`PREPARE schema_check_${i} AS ${s.text}`).then(
        () => client.query(`DEALLOCATE schema_check_${i}`),
        (err: Error) => refused.push(`${s.name}: ${err.message}`),
      );
    }
    expect(refused).toEqual([]);
  });

  it('a statement naming a column the schema does not have is refused (the check can fail)', async () => {
    await expect(client.query('PREPARE schema_check_bad AS SELECT "no_such_column" FROM "cards" WHERE "id" = $1')).rejects.toThrow(/column "no_such_column" does not exist/);
  });
});
