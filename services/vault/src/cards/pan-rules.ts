/**
 * The card-number rules as pure functions with no Node or server dependency, so the hosted card form's browser
 * bundle checks exactly what the vault checks.
 */
import { detectBrand, PAN_MAX_LENGTH, PAN_MIN_LENGTH, type CardBrand } from './card-brand.ts';

/** ASCII digits, optionally grouped by single spaces or dashes. Nothing else is normalised. */
export const GROUPED_DIGITS = /^[0-9]+(?:[ -][0-9]+)*$/;

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

export type PanCheck = { readonly ok: true; readonly digits: string; readonly brand: CardBrand } | { readonly ok: false; readonly brand: CardBrand | null };

/** Whether `input` is an acceptable card number: grouped ASCII digits, 12–19 long, Luhn-valid (every brand: see test/unit/card-brands.test.ts for why), a length its brand issues. */
export function checkPan(input: string): PanCheck {
  if (input.length > 40 || !GROUPED_DIGITS.test(input)) return { ok: false, brand: null };
  const digits = input.replace(/[ -]/g, '');
  const { brand, lengthValid } = detectBrand(digits);
  /* Precondition: ISO/IEC 7812 PANs are 12–19 digits. */
  if (digits.length < PAN_MIN_LENGTH || digits.length > PAN_MAX_LENGTH || !luhnValid(digits) || !lengthValid) return { ok: false, brand };
  return { ok: true, digits, brand };
}
