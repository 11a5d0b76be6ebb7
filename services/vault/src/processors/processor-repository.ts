import type { ProcessorKey } from '../crypto/processor-key.ts';
import { keyRegistryStatements, SqlKeyRegistryRepository, type KeyRegistryRecord, type KeyRegistryRepository } from '../storage/key-registry.ts';
import type { Sql } from '../storage/sql.ts';

export type ProcessorRecord = KeyRegistryRecord<ProcessorKey>;

/** The only code that touches `processors`. */
export type ProcessorRepository = KeyRegistryRepository<ProcessorKey>;

const STATEMENTS = keyRegistryStatements('processors');

export class SqlProcessorRepository extends SqlKeyRegistryRepository<ProcessorKey> {
  constructor(sql: Sql) {
    super(sql, STATEMENTS);
  }
}
