import type { Envelope, EncryptionContext, Sealed } from '../crypto/envelope.ts';
import type { BillingAddress } from './billing-profile-input.ts';

interface Place {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
}

/** Binds a billing profile's ciphertext to its tenant, owner and row. */
export function billingProfileContext(place: Place): EncryptionContext {
  return { purpose: 'billing-profile', tenant: place.tenantId, owner: place.userId, record: place.id };
}

export function sealAddress(envelope: Envelope, place: Place, address: BillingAddress): Promise<Sealed> {
  return envelope.encrypt(Buffer.from(JSON.stringify({ v: 1, address }), 'utf8'), billingProfileContext(place));
}

export async function openAddress(envelope: Envelope, place: Place & { ciphertext: Uint8Array }): Promise<BillingAddress> {
  const plaintext = await envelope.decrypt(place.ciphertext, billingProfileContext(place));
  return (JSON.parse(Buffer.from(plaintext).toString('utf8')) as { address: BillingAddress }).address;
}
