/**
 * Card brands, their IIN ranges, lengths, security-code lengths and digit groups — from Braintree's
 * `credit-card-type` (maintained, used by Braintree's own hosted fields, no dependencies, no install script; its
 * tables are kept current by the networks' users) rather than hand-written ranges that go stale. This module only
 * reads the library's built-in table: it never calls the library's `addCard`/`updateCard`/`changeOrder`, which
 * change process-wide state. Pure (no Node API), so the hosted form's browser bundle checks exactly what the
 * vault checks.
 */
import creditCardType from 'credit-card-type';
import type { CreditCardTypeCardBrandId } from 'credit-card-type/dist/types.js';

/**
 * The brands the API returns, a closed list (stored `cards.brand` is checked against it by the database). The
 * first seven are the names the API has always used; networks are only ever appended, so a client written
 * today must show an unlisted value as a generic card. `unknown`: an IIN no network in the table claims.
 */
export const BRANDS = [
  'visa',
  'mastercard',
  'amex',
  'discover',
  'jcb',
  'diners',
  'unionpay',
  'maestro',
  'mir',
  'elo',
  'hiper',
  'hipercard',
  'troy',
  'verve',
  'naranja',
  'unknown',
] as const;
export type CardBrand = (typeof BRANDS)[number];

/**
 * The library's id of each network → the API's name. A `Record` over the library's own id type: a library
 * update that adds a network does not compile until the network is named here (and in the migration's list).
 */
const API_NAME: Record<CreditCardTypeCardBrandId, Exclude<CardBrand, 'unknown'>> = {
  visa: 'visa',
  mastercard: 'mastercard',
  'american-express': 'amex',
  discover: 'discover',
  jcb: 'jcb',
  'diners-club': 'diners',
  unionpay: 'unionpay',
  maestro: 'maestro',
  mir: 'mir',
  elo: 'elo',
  hiper: 'hiper',
  hipercard: 'hipercard',
  troy: 'troy',
  verve: 'verve',
  naranja: 'naranja',
};

/** What the vault needs to know of a brand. */
export interface BrandInfo {
  readonly brand: CardBrand;
  /** The lengths the network issues. */
  readonly lengths: readonly number[];
  readonly cvcLength: number;
  /** Where a space goes when the number is shown grouped: before these digit positions. */
  readonly gaps: readonly number[];
  /** Its name for people ("American Express"). */
  readonly displayName: string;
}

/** ISO/IEC 7812: every PAN is 12–19 digits. */
export const PAN_MIN_LENGTH = 12;
export const PAN_MAX_LENGTH = 19;

const UNKNOWN: BrandInfo = {
  brand: 'unknown',
  lengths: Array.from({ length: PAN_MAX_LENGTH - PAN_MIN_LENGTH + 1 }, (_, i) => PAN_MIN_LENGTH + i),
  cvcLength: 3,
  gaps: [4, 8, 12, 16],
  displayName: '',
};

/**
 * The library's groups stop at 16 digits (Visa/Mastercard style `[4, 8, 12]`); a 17–19 digit number gets one more
 * group after the 16th digit (4-4-4-4-3), as the networks print them, instead of a run of seven.
 */
function withLongGroups(gaps: readonly number[], lengths: readonly number[]): readonly number[] {
  const last = gaps[gaps.length - 1] ?? 0;
  return last === 12 && Math.max(...lengths) > 16 ? [...gaps, 16] : gaps;
}

const INFO = new Map<CardBrand, BrandInfo>(
  (Object.keys(API_NAME) as CreditCardTypeCardBrandId[]).map((id) => {
    const t = creditCardType.getTypeInfo(id);
    const brand = API_NAME[id];
    return [brand, { brand, lengths: t.lengths, cvcLength: t.code.size, gaps: withLongGroups(t.gaps, t.lengths), displayName: t.niceType }];
  }),
);
INFO.set('unknown', UNKNOWN);

export function brandInfo(brand: CardBrand): BrandInfo {
  return INFO.get(brand) ?? UNKNOWN;
}

/** The API name of a library match, or `unknown` for a type this module does not name (none today). */
function apiName(type: string): CardBrand {
  return (API_NAME as Record<string, CardBrand>)[type] ?? 'unknown';
}

export interface BrandMatch {
  readonly brand: CardBrand;
  /** Whether the PAN's length is one the brand issues; for `unknown`, whether it is 12–19. */
  readonly lengthValid: boolean;
}

/**
 * The brand of a whole digits-only PAN: the library's best match (the network whose matching IIN pattern is the
 * longest, e.g. Elo's 401178 over Visa's 4, UnionPay's 622126 over Discover's 62… co-brand range), and whether
 * its length is one that network issues.
 */
export function detectBrand(digits: string): BrandMatch {
  const matches = creditCardType(digits);
  const brand = matches.length === 1 ? apiName(matches[0]!.type) : 'unknown';
  return { brand, lengthValid: brandInfo(brand).lengths.includes(digits.length) };
}

/**
 * The brand a partly typed number can only be, or `unknown` while more than one network (or none) fits its
 * digits so far — for the form's live brand icon and grouping.
 */
export function brandOfPrefix(digits: string): CardBrand {
  if (!digits) return 'unknown';
  const matches = creditCardType(digits);
  return matches.length === 1 ? apiName(matches[0]!.type) : 'unknown';
}

/** The security code's length for a brand (4 for Amex, 3 for every other network). */
export function cvcLength(brand: CardBrand): number {
  return brandInfo(brand).cvcLength;
}
