import type { PaymentSettings } from '../../../services/vault/src/payment-policy/payment-policy.ts';
import type { PaymentSettingsRepository } from '../../../services/vault/src/payment-policy/payment-settings-repository.ts';
import type { Binding } from './in-memory-tables.ts';

const groupKey = (tenantId: string, groupId: string) => JSON.stringify([tenantId, groupId]);

/** `tenants` and `tenant_groups` in memory. A missing row means enabled; a group row brings its tenant's row. */
export class InMemoryPaymentSettingsRepository implements PaymentSettingsRepository {
  constructor(private readonly b: Binding) {}

  async read(tenantId: string, groupId: string | null): Promise<PaymentSettings> {
    const tenant = this.b.db.tenants.get(tenantId);
    const group = groupId === null ? undefined : this.b.db.tenantGroups.get(groupKey(tenantId, groupId));
    return {
      tenantEnabled: tenant?.paymentsEnabled ?? true,
      groupEnabled: group?.paymentsEnabled ?? true,
      tenantHasGroups: this.b.db.tenantGroups.rows().some((g) => g.tenantId === tenantId),
    };
  }

  async setTenant(tenantId: string, enabled: boolean): Promise<void> {
    this.b.db.tenants.put(tenantId, { id: tenantId, paymentsEnabled: enabled }, this.b.journal);
  }

  async setGroup(tenantId: string, groupId: string, enabled: boolean): Promise<void> {
    if (!this.b.db.tenants.get(tenantId)) this.b.db.tenants.put(tenantId, { id: tenantId, paymentsEnabled: true }, this.b.journal);
    this.b.db.tenantGroups.put(groupKey(tenantId, groupId), { tenantId, id: groupId, paymentsEnabled: enabled }, this.b.journal);
  }
}
