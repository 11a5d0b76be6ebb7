/**
 * What the form's number and expiry fields show as a person types or pastes, with the caret kept where it was
 * relative to the digits (an edit in the middle of a grouped number does not throw the caret to the end). Pure
 * functions of (text, caret), no DOM API, so they are tested exhaustively in Node.
 */
import { brandInfo, brandOfPrefix, PAN_MAX_LENGTH, type CardBrand } from '../cards/card-brand.ts';

export interface Edited {
  readonly value: string;
  readonly caret: number;
}

/** Digits in `text` before position `caret`. */
function digitsBefore(text: string, caret: number): number {
  let n = 0;
  for (let i = 0; i < Math.min(caret, text.length); i++) if (text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) n++;
  return n;
}

/** The position in `formatted` right after its `n`th digit (0: the start). */
function afterDigit(formatted: string, n: number): number {
  if (n === 0) return 0;
  let seen = 0;
  for (let i = 0; i < formatted.length; i++) {
    if (formatted.charCodeAt(i) >= 48 && formatted.charCodeAt(i) <= 57 && ++seen === n) return i + 1;
  }
  return formatted.length;
}

/** The digits of a card number grouped with single spaces as its brand prints them. */
export function groupPan(digits: string, brand: CardBrand = brandOfPrefix(digits)): string {
  const gaps = brandInfo(brand).gaps;
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && gaps.includes(i)) out += ' ';
    out += digits[i];
  }
  return out;
}

/**
 * The card-number field after an edit: digits only (anything else typed or pasted is dropped), at most as many
 * as the brand issues (19 while the brand is not yet known), grouped per brand; the caret after the same digit.
 */
export function formatPanInput(text: string, caret: number): Edited {
  const before = digitsBefore(text, caret);
  let digits = text.replace(/[^0-9]/g, '');
  const brand = brandOfPrefix(digits);
  const max = brand === 'unknown' ? PAN_MAX_LENGTH : Math.max(...brandInfo(brand).lengths);
  digits = digits.slice(0, max);
  const value = groupPan(digits, brand);
  return { value, caret: afterDigit(value, Math.min(before, digits.length)) };
}

/**
 * Backspace just after a group's space deletes the digit before the space (otherwise the space would come back
 * and the caret would not move). Returns the edit, or null when the ordinary deletion is right.
 */
export function backspaceOverSpace(value: string, caret: number): Edited | null {
  if (caret <= 0 || value[caret - 1] !== ' ') return null;
  const text = value.slice(0, caret - 2) + value.slice(caret - 1);
  return formatPanInput(text, caret - 2);
}

const SEPARATOR = ' / ';

/**
 * The expiry field (`MM / YY`) after an edit: digits only, the month padded when it can only be one digit ("4" →
 * "04 / ", "13" → "01 / 3", "1/28" → "01 / 28"), the separator added after the month while typing forward and left out when
 * the text ends at the month after a deletion; at most four digits.
 */
export function formatExpiryInput(text: string, caret: number, deleting = false): Edited {
  // Whole dates as pasted or autofilled: a four-digit year becomes its last two digits ("04/2031", "1/2028"),
  // an ISO year-month is turned round ("2028-12").
  const long = /^\s*(\d{1,2})\s*[/.-]\s*(\d{2})(\d{2})\s*$/.exec(text);
  const iso = /^\s*(\d{2})(\d{2})-(\d{1,2})\s*$/.exec(text);
  if (long || iso) {
    text = long ? `${long[1]!.padStart(2, '0')}${long[3]}` : `${iso![3]!.padStart(2, '0')}${iso![2]}`;
    caret = text.length;
  }
  // A one-digit month ended by a separator ("1/28", "1 / 2"): the month is 01, not the start of 12.
  const short = /^\s*(\d)\s*[/.\- ]\s*(\d*)\s*$/.exec(text);
  if (short && (short[2] !== '' || text.trimEnd().length > short[1]!.length)) {
    const typedSeparator = caret > text.indexOf(short[1]!);
    text = `0${short[1]}${short[2]}`;
    caret = typedSeparator ? Math.min(text.length, caret + 1) : caret;
  }
  const before = digitsBefore(text, caret);
  let digits = text.replace(/[^0-9]/g, '');
  let shift = 0;
  // A first digit that cannot start a two-digit month ("4"), or "1" followed by a digit that cannot finish one
  // ("13" is January '3…): the month is one digit, padded.
  if ((digits.length >= 1 && digits[0]! > '1') || (digits.length >= 2 && digits[0] === '1' && digits[1]! > '2')) {
    digits = `0${digits}`;
    shift = 1;
  }
  digits = digits.slice(0, 4);
  const month = digits.slice(0, 2);
  const year = digits.slice(2);
  const value = year ? `${month}${SEPARATOR}${year}` : month.length === 2 && !deleting ? `${month}${SEPARATOR}` : month;
  const n = Math.min(before + shift, digits.length);
  const caretAt = n === 2 && !year && !deleting ? value.length : afterDigit(value, n);
  return { value, caret: caretAt };
}

/** A complete `MM / YY` (or `MM/YY`, `MM / YYYY`) as month and four-digit year, or null. */
export function parseExpiry(value: string): { month: number; year: number } | null {
  const m = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(value);
  if (!m) return null;
  const month = Number(m[1]);
  const year = m[2]!.length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
  return month >= 1 && month <= 12 ? { month, year } : null;
}
