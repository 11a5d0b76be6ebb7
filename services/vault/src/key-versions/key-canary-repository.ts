import type { KeyPurpose } from '../encrypted-records/key-purpose.ts';
import { statement, type Sql } from '../storage/sql.ts';

/** A key version's canary: what that key sealed (wrapping) or computed (fingerprint) when it became current. */
export interface KeyCanary {
  readonly purpose: string;
  readonly version: string;
  readonly canary: Uint8Array;
}

const ALL = statement('key_canaries_all', `SELECT "purpose", "version", "canary" FROM "key_canaries"`);
/** The first canary of a version stays: a second start-up writing one at the same time changes nothing. */
const ADD = statement('key_canaries_add', `INSERT INTO "key_canaries" ("purpose", "version", "canary") VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`);

/** The only code that touches `key_canaries` (see `key-check.ts`). */
export class KeyCanaryRepository {
  constructor(private readonly sql: Sql) {}

  all(): Promise<KeyCanary[]> {
    return this.sql.rows<KeyCanary>(ALL, []);
  }

  async add(purpose: KeyPurpose, version: string, canary: Uint8Array): Promise<void> {
    await this.sql.count(ADD, [purpose, version, Buffer.from(canary)]);
  }
}
