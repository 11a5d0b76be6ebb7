import { describe, expect, it } from 'vitest';
import { hex, type DatabaseSubject, type Subject } from './contract-subjects.ts';

/** What the payment switches rely on from `PaymentSettingsRepository`, for any implementation. */
export function describePaymentSettingsRepositoryContract(name: string, subject: Subject<DatabaseSubject>): void {
  describe(`PaymentSettingsRepository contract (${name})`, () => {
    const settings = () => subject().uow.repos.paymentSettings;

    it('reads a tenant never set as enabled, with no groups', async () => {
      const tenant = `t-${hex()}`;
      expect(await settings().read(tenant, null)).toEqual({ tenantEnabled: true, groupEnabled: true, tenantHasGroups: false });
      expect(await settings().read(tenant, 'sales')).toEqual({ tenantEnabled: true, groupEnabled: true, tenantHasGroups: false });
    });

    it('reads the tenant switch as last set', async () => {
      const tenant = `t-${hex()}`;
      await settings().setTenant(tenant, false);
      expect(await settings().read(tenant, null)).toEqual({ tenantEnabled: false, groupEnabled: true, tenantHasGroups: false });
      await settings().setTenant(tenant, true);
      expect(await settings().read(tenant, 'sales')).toEqual({ tenantEnabled: true, groupEnabled: true, tenantHasGroups: false });
    });

    it('reads a group’s own switch; any group setting means the tenant has groups; the tenant switch is kept', async () => {
      const tenant = `t-${hex()}`;
      await settings().setTenant(tenant, false);
      await settings().setGroup(tenant, 'sales', false);
      expect(await settings().read(tenant, 'sales')).toEqual({ tenantEnabled: false, groupEnabled: false, tenantHasGroups: true });
      expect(await settings().read(tenant, 'support')).toEqual({ tenantEnabled: false, groupEnabled: true, tenantHasGroups: true });
      expect(await settings().read(tenant, null)).toEqual({ tenantEnabled: false, groupEnabled: true, tenantHasGroups: true });
      await settings().setGroup(tenant, 'sales', true);
      expect(await settings().read(tenant, 'sales')).toEqual({ tenantEnabled: false, groupEnabled: true, tenantHasGroups: true });
    });

    it('creates an enabled tenant for a group set first, and keeps tenants apart', async () => {
      const tenant = `t-${hex()}`;
      await settings().setGroup(tenant, 'a:b', false);
      expect(await settings().read(tenant, 'a:b')).toEqual({ tenantEnabled: true, groupEnabled: false, tenantHasGroups: true });
      expect(await settings().read(`${tenant}:a`, 'b')).toEqual({ tenantEnabled: true, groupEnabled: true, tenantHasGroups: false });
      expect(await settings().read(`t-${hex()}`, 'a:b')).toEqual({ tenantEnabled: true, groupEnabled: true, tenantHasGroups: false });
    });
  });
}
