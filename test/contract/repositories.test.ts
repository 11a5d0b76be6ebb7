import { afterAll, beforeAll } from 'vitest';
import { openDatabase, type Database } from '../../services/vault/src/storage/database.ts';
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
import { describeIssueContextRepositoryContract } from './issue-context-repository.contract.ts';
import { describeUserDataRepositoryContract } from './user-data-repository.contract.ts';
import { describePaymentSettingsRepositoryContract } from './payment-settings-repository.contract.ts';
import { describeProcessorRepositoryContract } from './processor-repository.contract.ts';
import { describeUnitOfWorkContract } from './unit-of-work.contract.ts';

/**
 * Every repository contract, run against the in-memory fakes (what the service tests use) and against the
 * SQL repositories on this run's test database (what the vault runs on). A fake that drifts from PostgreSQL
 * fails here, not silently in a service test.
 */
function inMemory(): DatabaseSubject {
  const db = new InMemoryDatabase();
  return {
    uow: new InMemoryUnitOfWork(db, () => new Date()),
    auditEvents: async (requestId) =>
      auditEventsOf(db.auditEvents.entries, requestId).map(({ action, outcome, actorService, tenantId, userId, target, reason }) => ({ action, outcome, actorService, tenantId, userId, target, reason })),
  };
}

let database: Database;
function onPostgres(): DatabaseSubject {
  database = openDatabase({ url: TEST_DATABASE_URL, poolMax: 8 });
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

const subjects: Record<string, DatabaseSubject> = {};
beforeAll(() => {
  subjects['in-memory fake'] = inMemory();
  subjects['SQL on PostgreSQL'] = onPostgres();
});
afterAll(async () => {
  await database?.close();
});

for (const name of ['in-memory fake', 'SQL on PostgreSQL']) {
  const subject: Subject<DatabaseSubject> = () => subjects[name]!;
  describeCardRepositoryContract(name, subject);
  describeBillingProfileRepositoryContract(name, subject);
  describeIssueContextRepositoryContract(name, subject);
  describeCardSessionRepositoryContract(name, subject);
  describeProcessorRepositoryContract(name, subject);
  describePaymentSettingsRepositoryContract(name, subject);
  describeIdempotencyRecordRepositoryContract(name, subject);
  describeUnitOfWorkContract(name, subject);
  describeUserDataRepositoryContract(name, subject);
}
