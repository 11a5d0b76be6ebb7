import type { CardBrand } from './card-brand.ts';

/** A card row as stored: masked fields in clear, the PAN only inside `ciphertext`. */
export interface CardRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly billingProfileId: string | null;
  readonly brand: string;
  readonly bin: string;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly cardholderName: string;
  readonly fingerprint: string;
  readonly fingerprintKeyVersion: string;
  readonly ciphertext: Uint8Array;
  readonly keyVersion: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A card as listed: everything but the sealed PAN and the bookkeeping of its keys. */
export type CardSummary = Omit<CardRecord, 'ciphertext' | 'keyVersion' | 'fingerprintKeyVersion' | 'version'>;

/** What leaves the vault: never the PAN, never a CVC. */
export interface CardView {
  readonly id: string;
  readonly brand: CardBrand;
  readonly bin: string;
  readonly last4: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly cardholderName: string;
  readonly billingProfileId: string | null;
  readonly fingerprint: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly duplicate?: true;
}

export function toCardView(card: CardSummary): CardView {
  return {
    id: card.id,
    brand: card.brand as CardBrand,
    bin: card.bin,
    last4: card.last4,
    expMonth: card.expMonth,
    expYear: card.expYear,
    cardholderName: card.cardholderName,
    billingProfileId: card.billingProfileId,
    fingerprint: card.fingerprint,
    createdAt: card.createdAt.toISOString(),
    updatedAt: card.updatedAt.toISOString(),
  };
}
