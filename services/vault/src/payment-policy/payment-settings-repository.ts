import { statement, type Sql } from '../storage/sql.ts';
import type { PaymentSettings } from './payment-policy.ts';

/** The only code that touches `tenants` and `tenant_groups`. A missing row means enabled. */
export interface PaymentSettingsRepository {
  read(tenantId: string, groupId: string | null): Promise<PaymentSettings>;
  setTenant(tenantId: string, enabled: boolean): Promise<void>;
  setGroup(tenantId: string, groupId: string, enabled: boolean): Promise<void>;
}

/**
 * `PaymentSettings` as select-list columns, for the tenant and group in the given parameters: one row whether or
 * not the tenant or group has one (a missing row reads as enabled). Also read by the payment-token issue context.
 */
export function paymentSettingsColumns(tenantParam: string, groupParam: string): string {
  return `coalesce((SELECT "payments_enabled" FROM "tenants" WHERE "id" = ${tenantParam}), true) AS "tenantEnabled",
          coalesce((SELECT "payments_enabled" FROM "tenant_groups" WHERE "tenant_id" = ${tenantParam} AND "id" = ${groupParam}), true) AS "groupEnabled",
          EXISTS (SELECT 1 FROM "tenant_groups" WHERE "tenant_id" = ${tenantParam}) AS "tenantHasGroups"`;
}

const READ = statement('payment_settings_read', `SELECT ${paymentSettingsColumns('$1', '$2')}`);
const SET_TENANT = statement(
  'payment_settings_set_tenant',
  `INSERT INTO "tenants" ("id", "payments_enabled") VALUES ($1, $2)
   ON CONFLICT ("id") DO UPDATE SET "payments_enabled" = EXCLUDED."payments_enabled", "updated_at" = CURRENT_TIMESTAMP`,
);
const ENSURE_TENANT = statement('payment_settings_ensure_tenant', 'INSERT INTO "tenants" ("id") VALUES ($1) ON CONFLICT ("id") DO NOTHING');
const SET_GROUP = statement(
  'payment_settings_set_group',
  `INSERT INTO "tenant_groups" ("tenant_id", "id", "payments_enabled") VALUES ($1, $2, $3)
   ON CONFLICT ("tenant_id", "id") DO UPDATE SET "payments_enabled" = EXCLUDED."payments_enabled", "updated_at" = CURRENT_TIMESTAMP`,
);

export class SqlPaymentSettingsRepository implements PaymentSettingsRepository {
  constructor(private readonly sql: Sql) {}

  async read(tenantId: string, groupId: string | null): Promise<PaymentSettings> {
    const [row] = await this.sql.rows<PaymentSettings>(READ, [tenantId, groupId]);
    return row!;
  }

  async setTenant(tenantId: string, enabled: boolean): Promise<void> {
    await this.sql.count(SET_TENANT, [tenantId, enabled]);
  }

  async setGroup(tenantId: string, groupId: string, enabled: boolean): Promise<void> {
    await this.sql.count(ENSURE_TENANT, [tenantId]);
    await this.sql.count(SET_GROUP, [tenantId, groupId, enabled]);
  }
}
