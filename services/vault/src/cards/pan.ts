import { ClientError } from '../errors/vault-error.ts';
import { Pan } from '../crypto/secret.ts';
import { detectBrand, type CardBrand } from './card-brand.ts';

export interface ParsedPan {
  readonly pan: Pan;
  readonly brand: CardBrand;
  /** First 6 digits: enough to route and show the issuer, fewer than PCI DSS allows (8 for 16+ digits). */
  readonly bin: string;
  readonly last4: string;
}

/** ASCII digits, optionally grouped by single spaces or dashes. Nothing else is normalised. */
const GROUPED_DIGITS = /^[0-9]+(?:[ -][0-9]+)*$/;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Validates a submitted card number and returns it wrapped as a `Pan`, with its masked parts. Every failure is
 * the same `card_number_invalid` with no trace of the input.
 */
export function parsePan(input: string): ParsedPan {
  const invalid = () => new ClientError('card_number_invalid', [{ path: 'number', code: 'card_number_invalid' }]);
  /* Precondition: bounded before any regex runs. */
  if (input.length > 40 || !GROUPED_DIGITS.test(input)) throw invalid();
  const digits = input.replace(/[ -]/g, '');
  /* Precondition: ISO/IEC 7812 PANs are 12–19 digits. */
  if (digits.length < 12 || digits.length > 19) throw invalid();
  if (!luhnValid(digits)) throw invalid();
  const { brand, lengthValid } = detectBrand(digits);
  /* Precondition: a length the brand never issues (a 16-digit Amex) is a typo, not a card. */
  if (!lengthValid) throw invalid();
  return { pan: new Pan(digits), brand, bin: digits.slice(0, 6), last4: digits.slice(-4) };
}
