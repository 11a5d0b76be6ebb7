import { z } from 'zod';
import { serviceEvent } from '../audit/audit-event.ts';
import { parseInput } from '../errors/parse-input.ts';
import { ClientError } from '../errors/vault-error.ts';
import type { ServiceActor } from '../identity/actor.ts';
import { IDENTIFIER } from '../identity/user-assertion.ts';
import type { AuditedUnitOfWork } from '../audit/audited-unit-of-work.ts';
import { paymentsEnabled } from './payment-policy.ts';
import type { EpochScope, RevocationEpochRepository } from './revocation-epochs.ts';
import type { PaymentSettingsRepository } from './payment-settings-repository.ts';

/** The repositories these rules read and write (with the audit store, which every service has). */
export interface PaymentSettingsRepositories {
  readonly paymentSettings: PaymentSettingsRepository;
  readonly revocationEpochs: RevocationEpochRepository;
}

export const switchSchema = z.object({ enabled: z.boolean() }).strict();

function needIdentifier(value: string, path: string): void {
  if (!IDENTIFIER.test(value)) throw new ClientError('invalid_request', [{ path, code: 'invalid_identifier' }]);
}

/**
 * Tenant and group payment switches. Switching takes effect at once: the new setting and the scope's revocation
 * epoch commit together, so no token issued against the old setting survives — an issuer reads the epoch before
 * it reads the setting.
 */
export class PaymentSettingsService {
  constructor(
    private readonly uow: AuditedUnitOfWork<PaymentSettingsRepositories>,
  ) {}

  async setTenant(actor: ServiceActor, tenantId: string, body: unknown): Promise<{ tenantId: string; enabled: boolean }> {
    needIdentifier(tenantId, 'tenantId');
    const { enabled } = parseInput(switchSchema, body);
    await this.switch(actor, { kind: 'tenant', tenantId }, enabled, (repos) => repos.paymentSettings.setTenant(tenantId, enabled));
    return { tenantId, enabled };
  }

  async setGroup(actor: ServiceActor, tenantId: string, groupId: string, body: unknown): Promise<{ tenantId: string; groupId: string; enabled: boolean }> {
    needIdentifier(tenantId, 'tenantId');
    needIdentifier(groupId, 'groupId');
    const { enabled } = parseInput(switchSchema, body);
    await this.switch(actor, { kind: 'group', tenantId, groupId }, enabled, (repos) => repos.paymentSettings.setGroup(tenantId, groupId, enabled));
    return { tenantId, groupId, enabled };
  }

  async effective(actor: ServiceActor, tenantId: string, groupId: string): Promise<{ tenantEnabled: boolean; groupEnabled: boolean; effective: boolean }> {
    needIdentifier(tenantId, 'tenantId');
    needIdentifier(groupId, 'groupId');
    const settings = await this.uow.repos.paymentSettings.read(tenantId, groupId);
    await this.uow.repos.audit.append(serviceEvent(actor, 'payment_settings.read', `${tenantId}/${groupId}`, 'success', { tenantId }));
    return { tenantEnabled: settings.tenantEnabled, groupEnabled: settings.groupEnabled, effective: paymentsEnabled(settings) };
  }

  private async switch(
    actor: ServiceActor,
    scope: EpochScope & { tenantId: string },
    enabled: boolean,
    write: (repos: AuditedUnitOfWork<PaymentSettingsRepositories>['repos']) => Promise<void>,
  ): Promise<void> {
    const target = scope.kind === 'group' ? `${scope.tenantId}/${scope.groupId}` : scope.tenantId;
    await this.uow.transaction(async (repos) => {
      await write(repos);
      await repos.revocationEpochs.bump(scope);
      await repos.audit.append(serviceEvent(actor, enabled ? 'payments.enable' : 'payments.disable', target, 'success', { tenantId: scope.tenantId }));
    });
  }
}
