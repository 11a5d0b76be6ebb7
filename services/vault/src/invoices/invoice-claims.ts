import type { SignatureAlgorithm } from '../partners/partner-key.ts';

/**
 * A partner-signed invoice (README "Invoices"): a compact JWS, protected header `{alg, kid, typ: "invoice+jwt"}`,
 * whose payload holds exactly these claims (`nbf` and `jti` optional; any other member is refused).
 */
export interface InvoiceClaims {
  /** The partner's id in the vault's registry (`xero`): whose keys verify it. */
  readonly iss: string;
  readonly invoice_id: string;
  /** Integer minor units of `currency`, > 0. */
  readonly amount: number;
  /** ISO 4217, upper case. */
  readonly currency: string;
  readonly merchant: { readonly id: string; readonly display_name: string };
  /** YYYY-MM-DD. */
  readonly due_date: string;
  readonly iat: number;
  readonly exp: number;
  readonly nbf?: number;
  readonly jti?: string;
}

/** The `typ` an invoice's protected header must carry, so no other JWT of the partner's can pass for an invoice. */
export const INVOICE_TYP = 'invoice+jwt';

/** Seconds of clock skew allowed between the partner and the vault for `iat`, `nbf` and `exp`. */
export const INVOICE_CLOCK_TOLERANCE_SECONDS = 60;

/** The longest compact JWS the vault reads as an invoice. */
export const MAX_INVOICE_LENGTH = 8192;

/** Which check refused an invoice: the field problem's `code` under `invoice_invalid`. A closed list. */
export type InvoiceCheck =
  | 'format'
  | 'algorithm'
  | 'kid'
  | 'issuer'
  | 'signature'
  | 'expired'
  | 'not_yet_valid'
  | 'amount'
  | 'currency'
  | 'merchant'
  | 'due_date';

/** An invoice whose partner's signature, lifetime and fields the vault has checked. */
export interface VerifiedInvoice {
  /** The partner that signed it (`iss`). */
  readonly partnerId: string;
  readonly id: string;
  readonly amount: number;
  readonly currency: string;
  readonly merchant: { readonly id: string; readonly displayName: string };
  readonly dueDate: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  /** The partner key that verified it. */
  readonly kid: string;
  readonly alg: SignatureAlgorithm;
  /** The compact JWS exactly as the partner signed it: what the processor gets, to check the signature itself. */
  readonly jws: string;
}
