export const BRANDS = ['visa', 'mastercard', 'amex', 'discover', 'jcb', 'diners', 'unionpay', 'unknown'] as const;
export type CardBrand = (typeof BRANDS)[number];

interface BrandRule {
  readonly brand: Exclude<CardBrand, 'unknown'>;
  /** Inclusive IIN ranges, compared on the first `digits` digits of the PAN. */
  readonly ranges: ReadonlyArray<readonly [number, number]>;
  readonly digits: number;
  readonly lengths: readonly number[];
}

/**
 * IIN ranges of the card networks (as published by the networks and used by the major processors), most
 * specific first so that, e.g., Discover's 622126–622925 wins over UnionPay's 62.
 */
const RULES: readonly BrandRule[] = [
  { brand: 'discover', digits: 6, ranges: [[622126, 622925]], lengths: [16, 17, 18, 19] },
  { brand: 'mastercard', digits: 4, ranges: [[2221, 2720]], lengths: [16] },
  { brand: 'jcb', digits: 4, ranges: [[3528, 3589]], lengths: [16, 17, 18, 19] },
  { brand: 'diners', digits: 4, ranges: [[3095, 3095]], lengths: [14, 15, 16, 17, 18, 19] },
  { brand: 'discover', digits: 4, ranges: [[6011, 6011]], lengths: [16, 17, 18, 19] },
  { brand: 'diners', digits: 3, ranges: [[300, 305]], lengths: [14, 15, 16, 17, 18, 19] },
  { brand: 'discover', digits: 3, ranges: [[644, 649]], lengths: [16, 17, 18, 19] },
  { brand: 'amex', digits: 2, ranges: [[34, 34], [37, 37]], lengths: [15] },
  { brand: 'mastercard', digits: 2, ranges: [[51, 55]], lengths: [16] },
  { brand: 'diners', digits: 2, ranges: [[36, 36], [38, 39]], lengths: [14, 15, 16, 17, 18, 19] },
  { brand: 'discover', digits: 2, ranges: [[65, 65]], lengths: [16, 17, 18, 19] },
  { brand: 'unionpay', digits: 2, ranges: [[62, 62], [81, 81]], lengths: [16, 17, 18, 19] },
  { brand: 'visa', digits: 1, ranges: [[4, 4]], lengths: [13, 16, 19] },
];

export interface BrandMatch {
  readonly brand: CardBrand;
  /** Whether the PAN's length is one the brand issues; always true for `unknown`. */
  readonly lengthValid: boolean;
}

/** The brand of a digits-only PAN from its IIN, and whether its length fits the brand. */
export function detectBrand(digits: string): BrandMatch {
  for (const rule of RULES) {
    const prefix = Number(digits.slice(0, rule.digits));
    if (rule.ranges.some(([lo, hi]) => prefix >= lo && prefix <= hi)) {
      return { brand: rule.brand, lengthValid: rule.lengths.includes(digits.length) };
    }
  }
  return { brand: 'unknown', lengthValid: true };
}

/** The security code's length for a brand: 4 for Amex, 3 for every other. */
export function cvcLength(brand: CardBrand): number {
  return brand === 'amex' ? 4 : 3;
}
