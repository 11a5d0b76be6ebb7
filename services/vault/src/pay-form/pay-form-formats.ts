/**
 * What the pay form shows and checks, as pure functions (no DOM API, tested in Node): the invoice's amount in the
 * person's language (minor units, exact: never through a binary fraction), the due date, the card's expiry, and
 * the one field, the security code, whose length comes from the card's brand.
 */
import { BRANDS, cvcLength, type CardBrand } from '../cards/card-brand.ts';
import { minorUnits } from '../payment-tokens/currencies.ts';

/** `amount` minor units of `currency` as the locale writes money ("123,45 €" in de, "€123.45" in en). */
export function formatAmount(amount: number, currency: string, locale: string): string {
  const digits = minorUnits(currency);
  const units = String(Math.abs(Math.trunc(amount))).padStart(digits + 1, '0');
  const decimal = `${amount < 0 ? '-' : ''}${units.slice(0, units.length - digits)}${digits ? `.${units.slice(-digits)}` : ''}`;
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
  // A decimal string keeps every digit (Intl.NumberFormat v3); no division by 10^digits in floating point.
  return format.format(decimal as Intl.StringNumericLiteral);
}

/** An ISO date (`2027-01-15`) as the locale writes it in full ("15 January 2027", "15. Januar 2027"). */
export function formatDueDate(isoDate: string, locale: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) return isoDate;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

/** A card's expiry as printed on it: `MM/YY`. */
export function formatCardExpiry(month: number, year: number): string {
  return `${String(month).padStart(2, '0')}/${String(year % 100).padStart(2, '0')}`;
}

const isBrand = (b: unknown): b is CardBrand => (BRANDS as readonly unknown[]).includes(b);

/**
 * The security code's length for the card: the session's `cvcLength` when it is one a network uses (3 or 4),
 * otherwise the brand's own (4 for Amex, 3 for every other network).
 */
export function securityCodeLength(brand: unknown, sessionLength?: unknown): number {
  if (sessionLength === 3 || sessionLength === 4) return sessionLength;
  return cvcLength(isBrand(brand) ? brand : 'unknown');
}

/** The field after an edit: digits only (anything else typed or pasted is dropped), at most `length` of them. */
export function securityCodeInput(text: string, length: number): string {
  return text.replace(/[^0-9]/g, '').slice(0, length);
}

export type SecurityCodeProblem = 'missing' | 'invalid' | null;

/** Why the code cannot be sent yet, or null: exactly `length` ASCII digits. */
export function securityCodeProblem(value: string, length: number): SecurityCodeProblem {
  if (value === '') return 'missing';
  return new RegExp(`^[0-9]{${length}}$`).test(value) ? null : 'invalid';
}
