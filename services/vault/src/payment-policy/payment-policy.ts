/** The seed's admin switches: payments run for a user only if both their tenant and their group allow it. */
export interface PaymentSettings {
  readonly tenantEnabled: boolean;
  /** The group's own switch; true when the user has no group or the group has no row. */
  readonly groupEnabled: boolean;
}

/** The tenant setting wins: tenant off means off whatever the group says. Default: enabled. */
export function paymentsEnabled(settings: PaymentSettings): boolean {
  return settings.tenantEnabled && settings.groupEnabled;
}
