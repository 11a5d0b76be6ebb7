import type { PrismaExecutor } from '../storage/unit-of-work.ts';
import type { PaymentSettings } from './payment-policy.ts';

/** The only code that touches `tenants` and `tenant_groups`. A missing row means enabled. */
export interface PaymentSettingsRepository {
  read(tenantId: string, groupId: string | null): Promise<PaymentSettings>;
  setTenant(tenantId: string, enabled: boolean): Promise<void>;
  setGroup(tenantId: string, groupId: string, enabled: boolean): Promise<void>;
}

export class PrismaPaymentSettingsRepository implements PaymentSettingsRepository {
  constructor(private readonly db: PrismaExecutor) {}

  async read(tenantId: string, groupId: string | null): Promise<PaymentSettings> {
    const tenant = await this.db.tenant.findUnique({
      where: { id: tenantId },
      select: {
        paymentsEnabled: true,
        groups: groupId ? { where: { id: groupId }, select: { paymentsEnabled: true } } : false,
        _count: { select: { groups: true } },
      },
    });
    const group = (tenant as { groups?: Array<{ paymentsEnabled: boolean }> } | null)?.groups?.[0];
    return { tenantEnabled: tenant?.paymentsEnabled ?? true, groupEnabled: group?.paymentsEnabled ?? true, tenantHasGroups: (tenant?._count.groups ?? 0) > 0 };
  }

  async setTenant(tenantId: string, enabled: boolean): Promise<void> {
    await this.db.tenant.upsert({ where: { id: tenantId }, create: { id: tenantId, paymentsEnabled: enabled }, update: { paymentsEnabled: enabled } });
  }

  async setGroup(tenantId: string, groupId: string, enabled: boolean): Promise<void> {
    await this.db.tenant.upsert({ where: { id: tenantId }, create: { id: tenantId }, update: {} });
    await this.db.tenantGroup.upsert({
      where: { tenantId_id: { tenantId, id: groupId } },
      create: { tenantId, id: groupId, paymentsEnabled: enabled },
      update: { paymentsEnabled: enabled },
    });
  }
}
