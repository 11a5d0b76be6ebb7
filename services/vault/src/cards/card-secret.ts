import type { Envelope, EncryptionContext, Sealed } from '../crypto/envelope.ts';
import { Pan } from '../crypto/secret.ts';
import { encryptionContext, type EncryptedRecordType } from '../encrypted-records/encrypted-record-type.ts';

interface Place {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
}

/** Cards: the PAN sealed in `ciphertext`, its keyed fingerprint beside it (duplicate detection). */
export const CARD_RECORDS: EncryptedRecordType = {
  name: 'cards',
  table: 'cards',
  idColumn: 'id',
  ciphertextColumn: 'ciphertext',
  keyVersionColumn: 'key_version',
  rowVersionColumn: 'version',
  updatedAtColumn: 'updated_at',
  purpose: 'card',
  contextColumns: { tenant: 'tenant_id', owner: 'user_id', record: 'id' },
  digests: [
    {
      name: 'cardFingerprints',
      label: 'card fingerprints',
      column: 'fingerprint',
      keyVersionColumn: 'fingerprint_key_version',
      compute: (fingerprinter, context, plaintext) => fingerprinter.fingerprint(context['tenant']!, panOf(plaintext)),
    },
  ],
};

/** Binds a card's ciphertext to its tenant, owner and row; a copy in any other row does not open. */
export function cardContext(place: Place): EncryptionContext {
  return encryptionContext(CARD_RECORDS, { id: place.id, tenant_id: place.tenantId, user_id: place.userId });
}

export function sealPan(envelope: Envelope, place: Place, pan: Pan): Promise<Sealed> {
  return envelope.encrypt(Buffer.from(JSON.stringify({ v: 1, number: pan.reveal() }), 'utf8'), cardContext(place));
}

export async function openPan(envelope: Envelope, place: Place & { ciphertext: Uint8Array }): Promise<Pan> {
  const plaintext = await envelope.decrypt(place.ciphertext, cardContext(place));
  try {
    return panOf(plaintext);
  } finally {
    plaintext.fill(0);
  }
}

/** The PAN inside an opened card plaintext (`{v: 1, number}`). */
function panOf(plaintext: Uint8Array): Pan {
  return new Pan((JSON.parse(Buffer.from(plaintext).toString('utf8')) as { number: string }).number);
}
