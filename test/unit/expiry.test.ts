import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkExpiry, isExpired } from '../../services/vault/src/cards/expiry.ts';

const now = new Date(Date.UTC(2026, 10, 25)); // 25 November 2026

describe('checkExpiry', () => {
  it('accepts this month (valid through its last day) and up to 20 years ahead', () => {
    expect(checkExpiry({ month: 11, year: 2026 }, now)).toEqual({ month: 11, year: 2026 });
    expect(checkExpiry({ month: 11, year: 2046 }, now)).toEqual({ month: 11, year: 2046 });
  });
  it.each([
    [{ month: 10, year: 2026 }, 'card_expired'],
    [{ month: 12, year: 2025 }, 'card_expired'],
    [{ month: 0, year: 2030 }, 'expiry_invalid'],
    [{ month: 13, year: 2030 }, 'expiry_invalid'],
    [{ month: 12, year: 2046 }, 'expiry_invalid'],
    [{ month: 1, year: 30 }, 'expiry_invalid'],
    [{ month: 1.5, year: 2030 }, 'expiry_invalid'],
  ])('%j → %s', (expiry, code) => {
    expect(() => checkExpiry(expiry, now)).toThrow(expect.objectContaining({ code }));
  });
  it('property: a month is expired exactly when it is before the current month', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2000, max: 2060 }), (month, year) => {
        expect(isExpired({ month, year }, now)).toBe(year * 12 + month < 2026 * 12 + 11);
      }),
    );
  });
});
