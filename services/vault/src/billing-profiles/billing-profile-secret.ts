import type { Envelope, EncryptionContext, Sealed } from '../crypto/envelope.ts';
import { encryptionContext, type EncryptedRecordType } from '../encrypted-records/encrypted-record-type.ts';
import type { BillingAddress } from './billing-profile-input.ts';

interface Place {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
}

/** Billing profiles: the address sealed in `ciphertext`. */
export const BILLING_PROFILE_RECORDS: EncryptedRecordType = {
  name: 'billingProfiles',
  table: 'billing_profiles',
  idColumn: 'id',
  ciphertextColumn: 'ciphertext',
  keyVersionColumn: 'key_version',
  rowVersionColumn: 'version',
  updatedAtColumn: 'updated_at',
  purpose: 'billing-profile',
  contextColumns: { tenant: 'tenant_id', owner: 'user_id', record: 'id' },
};

/** Binds a billing profile's ciphertext to its tenant, owner and row. */
export function billingProfileContext(place: Place): EncryptionContext {
  return encryptionContext(BILLING_PROFILE_RECORDS, { id: place.id, tenant_id: place.tenantId, user_id: place.userId });
}

export function sealAddress(envelope: Envelope, place: Place, address: BillingAddress): Promise<Sealed> {
  return envelope.encrypt(Buffer.from(JSON.stringify({ v: 1, address }), 'utf8'), billingProfileContext(place));
}

export async function openAddress(envelope: Envelope, place: Place & { ciphertext: Uint8Array }): Promise<BillingAddress> {
  const plaintext = await envelope.decrypt(place.ciphertext, billingProfileContext(place));
  return (JSON.parse(Buffer.from(plaintext).toString('utf8')) as { address: BillingAddress }).address;
}
