import type { Envelope, EncryptionContext, Sealed } from '../crypto/envelope.ts';
import { Pan } from '../crypto/secret.ts';

interface Place {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
}

/** Binds a card's ciphertext to its tenant, owner and row; a copy in any other row does not open. */
export function cardContext(place: Place): EncryptionContext {
  return { purpose: 'card', tenant: place.tenantId, owner: place.userId, record: place.id };
}

export function sealPan(envelope: Envelope, place: Place, pan: Pan): Promise<Sealed> {
  return envelope.encrypt(Buffer.from(JSON.stringify({ v: 1, number: pan.reveal() }), 'utf8'), cardContext(place));
}

export async function openPan(envelope: Envelope, place: Place & { ciphertext: Uint8Array }): Promise<Pan> {
  const plaintext = await envelope.decrypt(place.ciphertext, cardContext(place));
  try {
    return new Pan((JSON.parse(Buffer.from(plaintext).toString('utf8')) as { number: string }).number);
  } finally {
    plaintext.fill(0);
  }
}
