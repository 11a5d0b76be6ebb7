import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BRANDS, cvcLength } from '../../services/vault/src/cards/card-brand.ts';
import { CURRENCIES, minorUnits } from '../../services/vault/src/payment-tokens/currencies.ts';
import {
  formatAmount,
  formatCardExpiry,
  formatDueDate,
  securityCodeInput,
  securityCodeLength,
  securityCodeProblem,
} from '../../services/vault/src/pay-form/pay-form-formats.ts';

/** Intl writes no-break and narrow no-break spaces; compared as plain spaces. */
const plain = (s: string) => s.replace(/\s/g, ' ');

describe('the amount, in minor units, as each locale writes money', () => {
  it.each([
    [12_345, 'EUR', 'en', '€123.45'],
    [12_345, 'EUR', 'de', '123,45 €'],
    [12_345, 'EUR', 'fr', '123,45 €'],
    [12_345, 'EUR', 'es', '123,45 €'],
    [5, 'USD', 'en', '$0.05'],
    [5, 'USD', 'de', '0,05 $'],
    // No minor unit: 1500 yen is ¥1,500, not ¥15.00.
    [1_500, 'JPY', 'en', '¥1,500'],
    [1_500, 'JPY', 'de', '1.500 ¥'],
    // Three decimals: 1500 fils is 1.500 dinar, every digit shown (CLDR would round KWD to 2 in some locales).
    [1_500, 'KWD', 'en', 'KWD 1.500'],
    [7, 'BHD', 'de', '0,007 BHD'],
    [1_234, 'TND', 'fr', '1,234 TND'],
  ])('%i %s in %s → %s', (amount, currency, locale, shown) => {
    expect(plain(formatAmount(amount, currency, locale))).toBe(shown);
  });

  it('keeps every digit of amounts past 2^53 / 100 (no floating-point division)', () => {
    expect(plain(formatAmount(123_456_789_012_345, 'EUR', 'en'))).toBe('€1,234,567,890,123.45');
    expect(plain(formatAmount(900_719_925_474_099, 'USD', 'en'))).toBe('$9,007,199,254,740.99');
  });

  it('ISO 4217 minor units: 0, 2 or 3 for every currency an invoice may carry', () => {
    expect([...CURRENCIES].filter((c) => minorUnits(c) === 0).sort()).toEqual(['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
    expect([...CURRENCIES].filter((c) => minorUnits(c) === 3).sort()).toEqual(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);
  });

  it('for any currency and amount, the digits shown are exactly the minor units', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CURRENCIES), fc.integer({ min: 1, max: 10 ** 12 }), fc.constantFrom('en', 'de', 'fr', 'es'), (currency, amount, locale) => {
        expect(formatAmount(amount, currency, locale).replace(/[^0-9]/g, '').replace(/^0+/, '')).toBe(String(amount));
      }),
    );
  });
});

describe('dates', () => {
  it.each([
    ['en', 'January 15, 2027'],
    ['de', '15. Januar 2027'],
    ['fr', '15 janvier 2027'],
    ['es', '15 de enero de 2027'],
  ])('the due date in %s: %s (the date as signed, whatever the time zone)', (locale, shown) => {
    expect(plain(formatDueDate('2027-01-15', locale))).toBe(shown);
  });

  it('a due date that is not YYYY-MM-DD is shown as it came', () => {
    expect(formatDueDate('soon', 'en')).toBe('soon');
  });

  it('the card expiry as printed on it', () => {
    expect(formatCardExpiry(4, 2031)).toBe('04/31');
    expect(formatCardExpiry(12, 2100)).toBe('12/00');
  });
});

describe('the security code: length by brand', () => {
  it('4 digits for Amex, 3 for every other network (and an unknown brand)', () => {
    for (const brand of BRANDS) expect(securityCodeLength(brand)).toBe(brand === 'amex' ? 4 : 3);
    expect(securityCodeLength('not-a-brand')).toBe(3);
  });

  it("the session's cvcLength when it is 3 or 4, the brand's otherwise", () => {
    expect(securityCodeLength('visa', 4)).toBe(4);
    expect(securityCodeLength('amex', 3)).toBe(3);
    expect(securityCodeLength('amex', 7)).toBe(cvcLength('amex'));
    expect(securityCodeLength('visa', '3')).toBe(3);
  });

  it('the field keeps digits only, at most the length', () => {
    expect(securityCodeInput('1a2 3', 3)).toBe('123');
    expect(securityCodeInput('12345', 4)).toBe('1234');
    expect(securityCodeInput('١٢٣', 3)).toBe(''); // ASCII digits only, as the vault checks
  });

  it('is missing when empty, invalid unless exactly the length in ASCII digits', () => {
    expect(securityCodeProblem('', 3)).toBe('missing');
    expect(securityCodeProblem('12', 3)).toBe('invalid');
    expect(securityCodeProblem('1234', 3)).toBe('invalid');
    expect(securityCodeProblem('12a', 3)).toBe('invalid');
    expect(securityCodeProblem('123', 3)).toBeNull();
    expect(securityCodeProblem('1234', 4)).toBeNull();
  });
});
