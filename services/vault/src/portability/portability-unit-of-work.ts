import type pg from 'pg';
import type { AuditedUnitOfWork } from '../audit/audited-unit-of-work.ts';
import { SqlAuditStore } from '../audit/audit-store.ts';
import { SqlCardRepository, type CardRepository } from '../cards/card-repository.ts';
import { sqlOn, type Sql } from '../storage/sql.ts';
import { sqlUnitOfWork } from '../storage/unit-of-work.ts';
import { SqlExportCardRepository, type ExportCardRepository } from './export-card-repository.ts';
import { SqlExportRequestRepository, type ExportRequestRepository } from './export-request-repository.ts';
import { SqlImportKeyRepository, type ImportKeyRepository } from './import-key-repository.ts';
import { SqlImportRunRepository, type ImportRunRepository } from './import-run-repository.ts';

/** The repositories the portability commands (cards:import, cards:import-key, cards:export) run on. */
export interface PortabilityRepositories {
  readonly cards: CardRepository;
  readonly importRuns: ImportRunRepository;
  readonly importKeys: ImportKeyRepository;
  readonly exportRequests: ExportRequestRepository;
  readonly exportCards: ExportCardRepository;
}

/**
 * The commands' unit of work over the same SQL repositories the vault binds (wiring/repositories.ts). Each command
 * is its own composition root and binds them here: a module of this domain folder may not reach the wiring layer.
 */
export function portabilityUnitOfWork(pool: pg.Pool, auditChains: number): AuditedUnitOfWork<PortabilityRepositories> {
  const audit = new SqlAuditStore(sqlOn(pool), auditChains);
  return sqlUnitOfWork(
    pool,
    (sql: Sql) => ({
      cards: new SqlCardRepository(sql, (event) => audit.record(event)),
      importRuns: new SqlImportRunRepository(sql),
      importKeys: new SqlImportKeyRepository(sql),
      exportRequests: new SqlExportRequestRepository(sql),
      exportCards: new SqlExportCardRepository(sql),
      audit: new SqlAuditStore(sql, auditChains),
    }),
    (events) => audit.rows(events),
  );
}
