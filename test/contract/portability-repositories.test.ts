import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig } from '../../services/vault/src/config/load-config.ts';
import { openDatabase, type Database } from '../../services/vault/src/storage/database.ts';
import { migrate } from '../../services/vault/src/storage/migrator.ts';
import { openConfiguredDatabase, type ConfiguredDatabase } from '../../services/vault/src/storage/open-configured-database.ts';
import { vaultUnitOfWork } from '../../services/vault/src/wiring/repositories.ts';
import { auditEventsOf } from '../support/fakes/in-memory-audit-store.ts';
import { InMemoryDatabase } from '../support/fakes/in-memory-tables.ts';
import { InMemoryUnitOfWork } from '../support/fakes/in-memory-unit-of-work.ts';
import { TEST_DATABASE_URL } from '../support/test-database.ts';
import type { DatabaseSubject, Subject } from './contract-subjects.ts';
import { describeExportRequestRepositoryContract } from './export-request-repository.contract.ts';

/**
 * The card-portability repository contracts on the vault's unit of work, against the in-memory fake (what the
 * service tests use), the SQL repository on this run's test database and the same on dev mode's embedded PGlite —
 * as repositories.test.ts runs the others.
 */
function inMemory(): DatabaseSubject {
  const db = new InMemoryDatabase();
  return { uow: new InMemoryUnitOfWork(db, () => new Date()), auditEvents: async (requestId) => auditEventsOf(db.auditEvents.entries, requestId) };
}

const onDatabase = (database: Database): DatabaseSubject => ({
  uow: vaultUnitOfWork(database.pool, 2),
  auditEvents: async () => {
    throw new Error('not read by these contracts');
  },
});

let database: Database | undefined;
let embedded: ConfiguredDatabase | undefined;
const embeddedDir = mkdtempSync(path.join(tmpdir(), 'vault-portability-pglite-'));

const SUBJECTS = ['in-memory fake', 'SQL on PostgreSQL', 'SQL on embedded PGlite'] as const;
const subjects: Partial<Record<(typeof SUBJECTS)[number], DatabaseSubject>> = {};
beforeAll(async () => {
  subjects['in-memory fake'] = inMemory();
  database = openDatabase({ url: TEST_DATABASE_URL, poolMax: 4 });
  subjects['SQL on PostgreSQL'] = onDatabase(database);
  embedded = await openConfiguredDatabase(loadConfig({ VAULT_DEV_DATA_DIR: path.join(embeddedDir, 'pgdata') }));
  const client = await embedded.database.pool.connect();
  try {
    await migrate(client);
  } finally {
    client.release();
  }
  subjects['SQL on embedded PGlite'] = onDatabase(embedded.database);
});
afterAll(async () => {
  await database?.close();
  await embedded?.close();
  rmSync(embeddedDir, { recursive: true, force: true });
});

for (const name of SUBJECTS) {
  const subject: Subject<DatabaseSubject> = () => subjects[name]!;
  describeExportRequestRepositoryContract(name, subject);
}
