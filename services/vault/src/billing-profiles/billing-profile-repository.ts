import { statement, type Sql } from '../storage/sql.ts';
import type { BillingProfileRecord } from './billing-profile-record.ts';
import type { Owner } from '../identity/actor.ts';

export type NewBillingProfile = Pick<BillingProfileRecord, 'id' | 'tenantId' | 'userId' | 'ciphertext' | 'keyVersion'>;

/** The only code that reads or writes `billing_profiles`. Every lookup is scoped to its owner. */
export interface BillingProfileRepository {
  insert(profile: NewBillingProfile): Promise<BillingProfileRecord>;
  findOwned(owner: Owner, id: string): Promise<BillingProfileRecord | null>;
  listOwned(owner: Owner): Promise<BillingProfileRecord[]>;
  /** Replaces the ciphertext only if the row is still at `expectedVersion` (optimistic concurrency). */
  replaceCiphertext(owner: Owner, id: string, expectedVersion: number, sealed: { ciphertext: Uint8Array; keyVersion: string }): Promise<BillingProfileRecord | null>;
  deleteOwned(owner: Owner, id: string): Promise<boolean>;
}

const PROFILE = `"id", "tenant_id" AS "tenantId", "user_id" AS "userId", "ciphertext", "key_version" AS "keyVersion", "version",
  "created_at" AS "createdAt", "updated_at" AS "updatedAt"`;
const OWNER = `"tenant_id" = $1 AND "user_id" = $2`;
const INSERT = statement(
  'billing_profiles_insert',
  `INSERT INTO "billing_profiles" ("id", "tenant_id", "user_id", "ciphertext", "key_version") VALUES ($1, $2, $3, $4, $5) RETURNING ${PROFILE}`,
);
const FIND = statement('billing_profiles_find', `SELECT ${PROFILE} FROM "billing_profiles" WHERE "id" = $3 AND ${OWNER}`);
const LIST = statement('billing_profiles_list', `SELECT ${PROFILE} FROM "billing_profiles" WHERE ${OWNER} ORDER BY "created_at", "id" LIMIT 100`);
const REPLACE_CIPHERTEXT = statement(
  'billing_profiles_replace_ciphertext',
  `UPDATE "billing_profiles" SET "ciphertext" = $5, "key_version" = $6, "version" = "version" + 1, "updated_at" = CURRENT_TIMESTAMP
   WHERE "id" = $3 AND ${OWNER} AND "version" = $4 RETURNING ${PROFILE}`,
);
const DELETE = statement('billing_profiles_delete', `DELETE FROM "billing_profiles" WHERE "id" = $3 AND ${OWNER}`);

export class SqlBillingProfileRepository implements BillingProfileRepository {
  constructor(private readonly sql: Sql) {}

  async insert(profile: NewBillingProfile): Promise<BillingProfileRecord> {
    const [row] = await this.sql.rows<BillingProfileRecord>(INSERT, [profile.id, profile.tenantId, profile.userId, Buffer.from(profile.ciphertext), profile.keyVersion]);
    return row!;
  }

  async findOwned(owner: Owner, id: string): Promise<BillingProfileRecord | null> {
    return (await this.sql.rows<BillingProfileRecord>(FIND, [owner.tenantId, owner.userId, id]))[0] ?? null;
  }

  listOwned(owner: Owner): Promise<BillingProfileRecord[]> {
    return this.sql.rows<BillingProfileRecord>(LIST, [owner.tenantId, owner.userId]);
  }

  async replaceCiphertext(
    owner: Owner,
    id: string,
    expectedVersion: number,
    sealed: { ciphertext: Uint8Array; keyVersion: string },
  ): Promise<BillingProfileRecord | null> {
    const values = [owner.tenantId, owner.userId, id, expectedVersion, Buffer.from(sealed.ciphertext), sealed.keyVersion];
    return (await this.sql.rows<BillingProfileRecord>(REPLACE_CIPHERTEXT, values))[0] ?? null;
  }

  async deleteOwned(owner: Owner, id: string): Promise<boolean> {
    return (await this.sql.count(DELETE, [owner.tenantId, owner.userId, id])) === 1;
  }
}
