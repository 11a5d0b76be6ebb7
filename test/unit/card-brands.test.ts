import creditCardType from 'credit-card-type';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BRANDS, brandInfo, brandOfPrefix, cvcLength } from '../../services/vault/src/cards/card-brand.ts';
import { luhnValid, parsePan } from '../../services/vault/src/cards/pan.ts';
import { withCheckDigit } from '../support/card-numbers.ts';

/**
 * Every network and length that Braintree's credit-card-type knows, through the vault's own card-number check
 * (`parsePan`, what POST /v1/cards and the hosted form run): the vault accepts exactly the numbers the library
 * calls valid and returns the library's brand.
 *
 * The vault's own rules, where it differs from the library on purpose (each one also tested below):
 *  1. Luhn everywhere. Most networks require the check digit; UnionPay does not guarantee it for every card
 *     (some older UnionPay debit cards fail it) and Verve/Troy say nothing of it. The vault still requires it:
 *     a mistyped number is refused in the form instead of declined by the processor, and a stored card is
 *     never one digit off. A real card that fails Luhn is rare enough to be a support case.
 *  2. An IIN no network of the library claims is accepted as `unknown` at 12–19 digits (ISO/IEC 7812) with
 *     Luhn: private-label cards and networks newer than the library's table are not refused.
 *  3. Nothing outside 12–19 digits, whatever a network says.
 */
const LIBRARY_IDS = Object.values(creditCardType.types);
/** The library's id → the API's name. */
const API: Record<string, string> = { 'american-express': 'amex', 'diners-club': 'diners' };
const apiName = (type: string) => API[type] ?? type;

/** A digit string of `n` random digits. */
const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));

/** An IIN prefix drawn from one pattern of the library (a number, or an inclusive range of equal-length numbers). */
function prefixOf(pattern: number | number[]): fc.Arbitrary<string> {
  if (!Array.isArray(pattern)) return fc.constant(String(pattern));
  const [lo, hi] = pattern as [number, number];
  return fc.integer({ min: lo, max: hi }).map(String);
}

/** A Luhn-valid number of `length` digits starting with one of `type`'s patterns. */
function numberOf(type: string, length: number): fc.Arbitrary<string> {
  const { patterns } = creditCardType.getTypeInfo(type);
  return fc
    .constantFrom(...patterns)
    .chain(prefixOf)
    .filter((prefix) => prefix.length < length)
    .chain((prefix) => digits(length - 1 - prefix.length).map((rest) => withCheckDigit(prefix + rest)));
}

/** What the library says of a whole number: its one network, or none. */
function libraryVerdict(number: string): { brand: string; valid: boolean } {
  const matches = creditCardType(number);
  if (matches.length !== 1) return { brand: 'unknown', valid: number.length >= 12 && number.length <= 19 };
  const best = matches[0]!;
  return { brand: apiName(best.type), valid: best.lengths.includes(number.length) };
}

function vaultVerdict(number: string): { brand: string; valid: boolean } {
  try {
    return { brand: parsePan(number).brand, valid: true };
  } catch {
    return { brand: '', valid: false };
  }
}

/** The vault accepts the number exactly when the library calls it valid, with the library's brand. */
function expectAgreement(number: string): void {
  const library = libraryVerdict(number);
  const vault = vaultVerdict(number);
  expect(vault.valid, number).toBe(library.valid);
  if (vault.valid) expect(vault.brand, number).toBe(library.brand);
}

describe('card brands and lengths come from credit-card-type', () => {
  it('every network of the library has an API name in the closed list, and nothing else is in it', () => {
    expect(new Set(LIBRARY_IDS.map(apiName))).toEqual(new Set(BRANDS.filter((b) => b !== 'unknown')));
  });

  it('security-code lengths are the library\'s (4 for Amex, 3 for the rest)', () => {
    for (const id of LIBRARY_IDS) expect(cvcLength(apiName(id) as (typeof BRANDS)[number])).toBe(creditCardType.getTypeInfo(id).code.size);
    expect(cvcLength('amex')).toBe(4);
  });

  for (const id of LIBRARY_IDS) {
    const { lengths } = creditCardType.getTypeInfo(id);
    // Every length the network issues, and every other length from 11 to 20 (which must be refused unless a
    // more specific network claims the number at that length).
    const tried = Array.from({ length: 10 }, (_, i) => 11 + i);
    it(`property: ${id} at ${lengths.join('/')} digits (and every other length 11–20) — the vault agrees with the library`, () => {
      fc.assert(
        fc.property(fc.constantFrom(...tried).chain((length) => numberOf(id, length)), expectAgreement),
        { numRuns: 300 },
      );
    });
  }

  it('property: the same holds for any Luhn-valid number of 11–20 digits, whatever its prefix', () => {
    fc.assert(
      fc.property(fc.integer({ min: 11, max: 20 }).chain((n) => digits(n - 1)).map(withCheckDigit), expectAgreement),
      { numRuns: 3000 },
    );
  });

  it('the numbers the old hand-written table refused or mislabelled', () => {
    const cases: Array<[string, string]> = [
      [withCheckDigit('62212600000000'), 'unionpay'], // 15-digit UnionPay
      [withCheckDigit('6200000000000'), 'unionpay'], // 14-digit UnionPay
      [withCheckDigit('41111111111111111'), 'visa'], // 18-digit Visa
      [withCheckDigit('493698000000000'), 'maestro'],
      [withCheckDigit('622126000000000'), 'unionpay'], // was discover
      [withCheckDigit('401178000000000'), 'elo'], // was visa
      [withCheckDigit('979200000000000'), 'troy'],
      [withCheckDigit('650052000000000'), 'troy'], // was discover
      [withCheckDigit('650031000000000'), 'elo'], // was discover
      [withCheckDigit('527572000000000'), 'naranja'], // was mastercard
      [withCheckDigit('589562000000000'), 'naranja'], // was unknown
      [withCheckDigit('220000000000000'), 'mir'],
      [withCheckDigit('506099000000000'), 'verve'],
      [withCheckDigit('637095000000000'), 'hiper'],
      [withCheckDigit('606282000000000'), 'hipercard'],
    ];
    for (const [number, brand] of cases) expect(parsePan(number).brand, number).toBe(brand);
  });

  it('own rule 1: Luhn everywhere — a UnionPay number failing the check digit is refused', () => {
    const good = withCheckDigit('621700000000000');
    const bad = good.slice(0, -1) + String((Number(good.slice(-1)) + 1) % 10);
    expect(luhnValid(bad)).toBe(false);
    expect(() => parsePan(bad)).toThrow(expect.objectContaining({ code: 'card_number_invalid' }));
  });

  it('own rule 2: an IIN no network claims is `unknown`, accepted at 12–19 digits only', () => {
    for (let n = 12; n <= 19; n++) expect(parsePan(withCheckDigit('7'.padEnd(n - 1, '0'))).brand).toBe('unknown');
    expect(() => parsePan(withCheckDigit('7'.padEnd(10, '0')))).toThrow();
    expect(() => parsePan(withCheckDigit('7'.padEnd(19, '0')))).toThrow();
  });

  it('own rule 3: nothing outside 12–19 digits, even where a network lists it', () => {
    for (const id of LIBRARY_IDS) {
      for (const length of creditCardType.getTypeInfo(id).lengths) expect(length >= 12 && length <= 19, `${id} ${length}`).toBe(true);
    }
  });

  it('the form\'s live brand: only once the digits so far fit one network', () => {
    expect(brandOfPrefix('')).toBe('unknown');
    expect(brandOfPrefix('4')).toBe('unknown'); // Visa, or Elo/Maestro/Naranja ranges starting with 4
    expect(brandOfPrefix('42')).toBe('visa');
    expect(brandOfPrefix('34')).toBe('amex');
    expect(brandOfPrefix('5')).toBe('unknown');
    expect(brandOfPrefix('51')).toBe('mastercard');
  });

  it('groups: 4-4-4-4, Amex 4-6-5, and 4-4-4-4-3 for 19 digits', () => {
    expect(brandInfo('visa').gaps).toEqual([4, 8, 12, 16]);
    expect(brandInfo('mastercard').gaps).toEqual([4, 8, 12]);
    expect(brandInfo('amex').gaps).toEqual([4, 10]);
  });
});
