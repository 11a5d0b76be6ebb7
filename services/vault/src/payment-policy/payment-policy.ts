/** The seed's admin switches: payments run for a user only if both their tenant and their group allow it. */
export interface PaymentSettings {
  readonly tenantEnabled: boolean;
  /** The group's own switch; true when the user has no group or the group has no row. */
  readonly groupEnabled: boolean;
  /** Whether the tenant has any group settings at all. */
  readonly tenantHasGroups: boolean;
}

/**
 * What to do with a user assertion that names no group (`gid`): `refuse` payments where the tenant has group
 * settings (the group switch cannot be evaluated, so fail closed), or `allow` them (tenant switch only).
 */
export type MissingGroupPolicy = 'refuse' | 'allow';

export type PaymentRefusal = 'payments_disabled' | 'group_missing';

/** The tenant setting wins: tenant off means off whatever the group says. Default: enabled. */
export function paymentsEnabled(settings: Pick<PaymentSettings, 'tenantEnabled' | 'groupEnabled'>): boolean {
  return settings.tenantEnabled && settings.groupEnabled;
}

/** Why a payment for this user is refused, or null when it may go ahead. */
export function paymentRefusal(settings: PaymentSettings, groupId: string | null, missingGroup: MissingGroupPolicy): PaymentRefusal | null {
  if (!paymentsEnabled(settings)) return 'payments_disabled';
  /* Precondition: an identity provider that omits gid must not switch a group's "off" back on. */
  if (groupId === null && settings.tenantHasGroups && missingGroup === 'refuse') return 'group_missing';
  return null;
}
