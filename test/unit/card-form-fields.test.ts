import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APPEARANCE_KEYS, FONT_FAMILIES, parseAppearance } from '../../services/vault/src/card-form/appearance.ts';
import { backspaceOverSpace, formatExpiryInput, formatPanInput, groupPan, parseExpiry } from '../../services/vault/src/card-form/field-formats.ts';
import { LOCALES, MESSAGES } from '../../services/vault/src/card-form/messages.ts';
import { brandInfo, brandOfPrefix } from '../../services/vault/src/cards/card-brand.ts';

const digitsOnly = (s: string) => s.replace(/[^0-9]/g, '');

describe('card number as typed: grouped per brand, caret kept', () => {
  it.each([
    ['4242424242424242', '4242 4242 4242 4242'],
    ['378282246310005', '3782 822463 10005'], // Amex 4-6-5
    ['36227206271667', '3622 720627 1667'], // Diners 4-6-4
    ['4111111111111111110', '4111 1111 1111 1111 110'], // 19 digits 4-4-4-4-3
    ['6200000000000000005', '6200 0000 0000 0000 005'], // UnionPay 19
    ['5555555555554444', '5555 5555 5555 4444'],
  ])('%s → %s', (digits, grouped) => {
    expect(formatPanInput(digits, digits.length)).toEqual({ value: grouped, caret: grouped.length });
    expect(groupPan(digits)).toBe(grouped);
  });

  it('drops what is not a digit, and digits past the brand\'s longest length', () => {
    expect(formatPanInput('4242-4242 abc 4242.4242', 23).value).toBe('4242 4242 4242 4242');
    expect(formatPanInput('3782822463100059999', 19).value).toBe('3782 822463 10005'); // Amex stops at 15
    expect(formatPanInput('51051051051051009999', 20).value).toBe('5105 1051 0510 5100'); // Mastercard at 16
  });

  it('an edit in the middle keeps the caret after the same digit', () => {
    // "4242 4242 |4242 4242" with a 9 typed at the caret: the caret stays after the 9
    const typed = '4242 4242 9|4242 4242';
    const caret = typed.indexOf('|');
    const out = formatPanInput(typed.replace('|', ''), caret);
    expect(out.value).toBe('4242 4242 9424 2424 2');
    expect(out.value.slice(0, out.caret)).toBe('4242 4242 9');
  });

  it('backspace right after a space deletes the digit before it', () => {
    expect(backspaceOverSpace('4242 4242', 5)).toEqual({ value: '4244 242', caret: 3 });
    expect(backspaceOverSpace('4242 4242', 6)).toBeNull(); // after a digit: the browser's own deletion
  });

  it('property: formatting keeps the digits (up to the cap), is idempotent, and the caret sits after the same digit', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ' ', '-', 'x'), maxLength: 30 }), fc.nat(30), (text, at) => {
        const caret = Math.min(at, text.length);
        const out = formatPanInput(text, caret);
        const digits = digitsOnly(text);
        const cap = Math.max(...brandInfo(brandOfPrefix(digits)).lengths);
        expect(digitsOnly(out.value)).toBe(digits.slice(0, brandOfPrefix(digits) === 'unknown' ? 19 : cap));
        expect(out.value).toMatch(/^(?:[0-9]+(?: [0-9]+)*)?$/);
        expect(formatPanInput(out.value, out.caret)).toEqual(out);
        const before = Math.min(digitsOnly(text.slice(0, caret)).length, digitsOnly(out.value).length);
        expect(digitsOnly(out.value.slice(0, out.caret)).length).toBe(before);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('expiry as MM / YY', () => {
  it.each([
    ['1', '1'],
    ['12', '12 / '],
    ['4', '04 / '],
    ['123', '12 / 3'],
    ['1231', '12 / 31'],
    ['12 / 315', '12 / 31'],
    ['04 / 2031', '04 / 31'], // a four-digit year (autofill, paste)
    ['4/2031', '04 / 31'],
    ['1/28', '01 / 28'], // a one-digit January before a separator is not the start of 12
    ['1 / 28', '01 / 28'],
    ['1/2028', '01 / 28'],
    ['1/', '01 / '],
    ['13', '01 / 3'],
    ['2028-12', '12 / 28'], // ISO year-month
  ])('%s → %s', (text, value) => {
    expect(formatExpiryInput(text, text.length).value).toBe(value);
  });

  it('deleting back to the month leaves the separator out', () => {
    expect(formatExpiryInput('12 /', 4, true).value).toBe('12');
  });

  it('parses complete dates only', () => {
    expect(parseExpiry('04 / 31')).toEqual({ month: 4, year: 2031 });
    expect(parseExpiry('4/2031')).toEqual({ month: 4, year: 2031 });
    for (const bad of ['', '04', '04 / ', '13 / 31', '00 / 31', '04 / 3', 'ab / cd']) expect(parseExpiry(bad)).toBeNull();
  });

  it('property: any input gives MM[ / YY] with at most four digits, idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('0', '1', '2', '3', '9', ' ', '/'), maxLength: 12 }), (text) => {
        const out = formatExpiryInput(text, text.length);
        expect(out.value).toMatch(/^(?:\d{0,2}|\d{2} \/ \d{0,2})$/);
        expect(formatExpiryInput(out.value, out.caret)).toEqual(out);
      }),
    );
  });
});

describe('appearance: a schema, never raw CSS', () => {
  it('maps each accepted key to a custom property', () => {
    const r = parseAppearance({ colorPrimary: '#0a7', colorText: '#112233', fontFamily: 'georgia', fontSizeBase: 16, borderRadius: 8, spacingUnit: 6 });
    expect(r).toEqual({
      ok: true,
      properties: [
        ['--vault-color-primary', '#0a7'],
        ['--vault-color-text', '#112233'],
        ['--vault-font-family', FONT_FAMILIES['georgia']],
        ['--vault-font-size', '16px'],
        ['--vault-radius', '8px'],
        ['--vault-spacing', '6px'],
      ],
    });
  });

  it.each([
    [{ colorPrimary: 'red' }, 'colorPrimary'],
    [{ colorPrimary: '#fff; background: url(https://evil.example/x)' }, 'colorPrimary'],
    [{ colorPrimary: 'var(--x)' }, 'colorPrimary'],
    [{ fontFamily: 'Comic Sans MS' }, 'fontFamily'],
    [{ fontFamily: 'x}; body{display:none' }, 'fontFamily'],
    [{ fontSizeBase: '16px' }, 'fontSizeBase'],
    [{ fontSizeBase: 100 }, 'fontSizeBase'],
    [{ borderRadius: 2.5 }, 'borderRadius'],
    [{ css: 'body{}' }, 'css'],
    [{ __proto__: { colorPrimary: '#fff' }, toString: '#fff' }, 'toString'], // inherited keys are not read; an own toString is refused
    [JSON.parse('{"__proto__": "#fff"}'), '__proto__'], // an own __proto__ key, as JSON from the page would carry it
  ])('refuses %j (field %s)', (appearance, field) => {
    expect(parseAppearance(appearance)).toEqual({ ok: false, field });
  });

  it('refuses what is not an object', () => {
    for (const bad of [null, 'colorPrimary:#fff', 42, ['#fff']]) expect(parseAppearance(bad)).toEqual({ ok: false, field: '(appearance)' });
  });

  it('property: whatever the page sends, every value applied is a hex colour, an integer px or an allow-listed font stack', () => {
    const fonts = new Set(Object.values(FONT_FAMILIES));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...APPEARANCE_KEYS, 'css', 'x'), fc.oneof(fc.string(), fc.integer(), fc.constantFrom('#fff', 'system', 12))), (appearance) => {
        const r = parseAppearance(appearance);
        if (!r.ok) return;
        for (const [property, value] of r.properties) {
          expect(property).toMatch(/^--vault-[a-z-]+$/);
          expect(/^#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?$/.test(value) || /^\d+px$/.test(value) || fonts.has(value)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the message catalogue', () => {
  it('every locale has every message, none empty', () => {
    const keys = Object.keys(MESSAGES.en).sort();
    for (const locale of LOCALES) {
      expect(Object.keys(MESSAGES[locale]).sort()).toEqual(keys);
      for (const [key, value] of Object.entries(MESSAGES[locale])) {
        const text = typeof value === 'function' ? value('Visa', '4242') : value;
        expect(String(text).trim(), `${locale}.${key}`).not.toBe('');
      }
    }
  });
});
