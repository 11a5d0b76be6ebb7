import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, type RunnerTask, type RunnerTestSuite } from 'vitest';
import { loadConfig } from '../../services/vault/src/config/load-config.ts';
import { openDatabase, type Database } from '../../services/vault/src/storage/database.ts';
import { migrate } from '../../services/vault/src/storage/migrator.ts';
import { openConfiguredDatabase, type ConfiguredDatabase } from '../../services/vault/src/storage/open-configured-database.ts';
import { vaultUnitOfWork } from '../../services/vault/src/wiring/repositories.ts';
import { auditEventsOf } from '../support/fakes/in-memory-audit-store.ts';
import { InMemoryDatabase } from '../support/fakes/in-memory-tables.ts';
import { InMemoryUnitOfWork } from '../support/fakes/in-memory-unit-of-work.ts';
import { TEST_DATABASE_URL } from '../support/test-database.ts';
import { describeBillingProfileRepositoryContract } from './billing-profile-repository.contract.ts';
import { describeCardRepositoryContract } from './card-repository.contract.ts';
import { describeCardSessionRepositoryContract } from './card-session-repository.contract.ts';
import type { DatabaseSubject, ReadAuditEvent, Subject } from './contract-subjects.ts';
import { describeIdempotencyRecordRepositoryContract } from './idempotency-record-repository.contract.ts';
import { describeInvoicePaymentRepositoryContract } from './invoice-payment-repository.contract.ts';
import { describeIssueContextRepositoryContract } from './issue-context-repository.contract.ts';
import { describeUserDataRepositoryContract } from './user-data-repository.contract.ts';
import { describeExportRequestRepositoryContract } from './export-request-repository.contract.ts';
import { describePaymentSessionRepositoryContract } from './payment-session-repository.contract.ts';
import { describePaymentSettingsRepositoryContract } from './payment-settings-repository.contract.ts';
import { describeProcessorRepositoryContract } from './processor-repository.contract.ts';
import { describePartnerRepositoryContract } from './partner-repository.contract.ts';
import { describeUnitOfWorkContract } from './unit-of-work.contract.ts';
import { describeRevocationEpochsContract } from './revocation-epochs.contract.ts';
import { describeTokenRedemptionRepositoryContract } from './token-redemption-repository.contract.ts';

/**
 * Every repository contract, run against the in-memory fakes (what the service tests use), against the SQL
 * repositories on this run's test database (what the vault runs on), and against the same SQL repositories on the
 * embedded PGlite database of dev mode, opened as the vault opens it (one session behind a pool of one
 * connection). A fake that drifts from PostgreSQL fails here, not silently in a service test; so does a statement
 * or a failure path that PGlite handles differently.
 */
function inMemory(): DatabaseSubject {
  const db = new InMemoryDatabase();
  return {
    uow: new InMemoryUnitOfWork(db, () => new Date()),
    auditEvents: async (requestId) =>
      auditEventsOf(db.auditEvents.entries, requestId).map(({ action, outcome, actorService, tenantId, userId, target, reason }) => ({ action, outcome, actorService, tenantId, userId, target, reason })),
  };
}

function onDatabase(database: Database): DatabaseSubject {
  return {
    uow: vaultUnitOfWork(database.pool, 2),
    async auditEvents(requestId) {
      const { rows } = await database.pool.query(
        'SELECT action, outcome, actor_service, tenant_id, user_id, target, body FROM audit_events WHERE request_id = $1 ORDER BY id',
        [requestId],
      );
      return rows.map(
        (r): ReadAuditEvent => ({ action: r.action, outcome: r.outcome, actorService: r.actor_service, tenantId: r.tenant_id, userId: r.user_id, target: r.target, reason: JSON.parse(r.body).reason }),
      );
    },
  };
}

let database: Database | undefined;
let embedded: ConfiguredDatabase | undefined;
const embeddedDir = mkdtempSync(path.join(tmpdir(), 'vault-contract-pglite-'));

/** Dev mode's database: no DATABASE_URL, so openConfiguredDatabase starts PGlite in a data folder; migrated as dev mode does. */
async function onEmbedded(): Promise<DatabaseSubject> {
  embedded = await openConfiguredDatabase(loadConfig({ VAULT_DEV_DATA_DIR: path.join(embeddedDir, 'pgdata') }));
  const client = await embedded.database.pool.connect();
  try {
    await migrate(client);
  } finally {
    client.release();
  }
  return { ...onDatabase(embedded.database), cannotRun: embeddedCannotRun() };
}

function embeddedCannotRun(): Record<string, string> {
  const cases: Record<string, string> = {
    // The transaction holds the pool's one connection while the outside write waits for one; and PGlite is one
    // session, so even a second connection would wait for the transaction to end. Dev mode's pool is max 1.
    'keeps what was written outside the transaction (an audited denial) when the transaction rolls back':
      'a write outside a transaction while it is open needs a second session; PGlite has one',
  };
  return cases;
}

const SUBJECTS = ['in-memory fake', 'SQL on PostgreSQL', 'SQL on embedded PGlite'] as const;
const subjects: Partial<Record<(typeof SUBJECTS)[number], DatabaseSubject>> = {};
beforeAll(async () => {
  subjects['in-memory fake'] = inMemory();
  database = openDatabase({ url: TEST_DATABASE_URL, poolMax: 8 });
  subjects['SQL on PostgreSQL'] = onDatabase(database);
  subjects['SQL on embedded PGlite'] = await onEmbedded();
});
// A case a subject cannot run is skipped in that subject's suites only, with its reason.
beforeEach((ctx) => {
  const name = subjectOf(ctx.task.suite);
  const why = name && subjects[name]?.cannotRun?.[ctx.task.name];
  if (why) ctx.skip(why);
});
// (vitest hands fixtures first, in an object pattern it requires, and then the file's suite.)
afterAll(async ({}, file) => {
  await database?.close();
  await embedded?.close();
  rmSync(embeddedDir, { recursive: true, force: true });
  // A stale entry (a contract case renamed) would skip nothing and say nothing: each must name a case of the file.
  const cases = new Set<string>();
  const collect = (task: RunnerTask) => (task.type === 'suite' ? task.tasks.forEach(collect) : cases.add(`${subjectOf(task.suite)}: ${task.name}`));
  file.tasks.forEach(collect);
  const declared = SUBJECTS.flatMap((n) => Object.keys(subjects[n]?.cannotRun ?? {}).map((test) => `${n}: ${test}`));
  expect(declared.filter((d) => !cases.has(d))).toEqual([]);
});

/** The subject a suite runs on: its own or an enclosing suite's name ends with `(<subject>)`. */
function subjectOf(suite: RunnerTestSuite | undefined): (typeof SUBJECTS)[number] | undefined {
  for (; suite; suite = suite.suite) {
    const name = SUBJECTS.find((n) => suite!.name.endsWith(`(${n})`));
    if (name) return name;
  }
  return undefined;
}

for (const name of SUBJECTS) {
  const subject: Subject<DatabaseSubject> = () => subjects[name]!;
  describeCardRepositoryContract(name, subject);
  describeBillingProfileRepositoryContract(name, subject);
  describeIssueContextRepositoryContract(name, subject);
  describeCardSessionRepositoryContract(name, subject);
  describeProcessorRepositoryContract(name, subject);
  describePartnerRepositoryContract(name, subject);
  describePaymentSettingsRepositoryContract(name, subject);
  describeIdempotencyRecordRepositoryContract(name, subject);
  describeUnitOfWorkContract(name, subject);
  describeUserDataRepositoryContract(name, subject);
  describeExportRequestRepositoryContract(name, subject);
  describePaymentSessionRepositoryContract(name, subject);
  describeInvoicePaymentRepositoryContract(name, subject);
  describeTokenRedemptionRepositoryContract(name, subject);
  describeRevocationEpochsContract(name, subject);
}
