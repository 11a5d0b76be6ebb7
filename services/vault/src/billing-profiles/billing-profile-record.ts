import type { BillingAddress } from './billing-profile-input.ts';

/** A billing profile row: every address field is inside `ciphertext`. */
export interface BillingProfileRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly ciphertext: Uint8Array;
  readonly keyVersion: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type BillingProfileView = BillingAddress & { readonly id: string; readonly createdAt: string; readonly updatedAt: string };

export function toBillingProfileView(record: BillingProfileRecord, address: BillingAddress): BillingProfileView {
  return { id: record.id, ...address, createdAt: record.createdAt.toISOString(), updatedAt: record.updatedAt.toISOString() };
}
