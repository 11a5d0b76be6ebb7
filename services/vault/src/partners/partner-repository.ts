import { keyRegistryStatements, SqlKeyRegistryRepository, type KeyRegistryRecord, type KeyRegistryRepository } from '../storage/key-registry.ts';
import type { Sql } from '../storage/sql.ts';
import type { PartnerKey } from './partner-key.ts';

export type PartnerRecord = KeyRegistryRecord<PartnerKey>;

/** The only code that touches `invoice_partners`. */
export type PartnerRepository = KeyRegistryRepository<PartnerKey>;

const STATEMENTS = keyRegistryStatements('invoice_partners');

export class SqlPartnerRepository extends SqlKeyRegistryRepository<PartnerKey> {
  constructor(sql: Sql) {
    super(sql, STATEMENTS);
  }
}
