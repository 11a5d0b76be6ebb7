import creditCardType from 'credit-card-type';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cvcLength, detectBrand } from '../../services/vault/src/cards/card-brand.ts';
import { luhnValid, parsePan } from '../../services/vault/src/cards/pan.ts';
import { withCheckDigit } from '../support/card-numbers.ts';

describe('parsePan', () => {
  it.each([
    ['4242424242424242', 'visa'],
    ['4111111111111111110', 'visa'],
    ['5555555555554444', 'mastercard'],
    ['2223003122003222', 'mastercard'],
    ['378282246310005', 'amex'],
    ['371449635398431', 'amex'],
    ['6011111111111117', 'discover'],
    ['6445644564456445', 'discover'],
    ['3530111333300000', 'jcb'],
    ['36227206271667', 'diners'],
    ['30569309025904', 'diners'],
    ['6200000000000005', 'unionpay'],
  ])('%s is %s', (number, brand) => {
    const parsed = parsePan(number);
    expect(parsed.brand).toBe(brand);
    expect(parsed.pan.reveal()).toBe(number);
    expect(parsed.bin).toBe(number.slice(0, 6));
    expect(parsed.last4).toBe(number.slice(-4));
  });

  it('strips single spaces or dashes between groups, and nothing else', () => {
    expect(parsePan('4242 4242 4242 4242').pan.reveal()).toBe('4242424242424242');
    expect(parsePan('3782-822463-10005').pan.reveal()).toBe('378282246310005');
    for (const bad of [' 4242424242424242', '4242424242424242 ', '4242\t4242424242424242', '4242_4242_4242_4242', '4242.4242.4242.4242', '+4242424242424242']) {
      expect(() => parsePan(bad)).toThrow(expect.objectContaining({ code: 'card_number_invalid' }));
    }
  });

  it('refuses wrong lengths for the brand', () => {
    expect(() => parsePan(withCheckDigit('378282246310'.padEnd(15, '0')))).toThrow(); // 16-digit Amex
    expect(() => parsePan(withCheckDigit('55555555555544'))).toThrow(); // 15-digit Mastercard
  });

  it('errors never carry the number', () => {
    try {
      parsePan('4242424242424241');
    } catch (err) {
      expect(JSON.stringify(err)).not.toContain('42424242');
      expect(String(err)).not.toContain('42424242');
      expect((err as Error).stack).not.toContain('42424242');
      return;
    }
    throw new Error('expected a throw');
  });

  it('property: every Luhn-valid 16-digit Visa is accepted; changing any one digit makes it invalid', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^4[0-9]{14}$/), fc.nat(15), fc.integer({ min: 1, max: 9 }), (body, position, delta) => {
        const pan = withCheckDigit(body);
        // Visa's numbers: a 4… number inside Elo's or Naranja's ranges (451416…, 402918…) belongs to that network.
        fc.pre(creditCardType(pan)[0]?.type === 'visa');
        expect(parsePan(pan).brand).toBe('visa');
        const digit = (Number(pan[position]) + delta) % 10;
        const mutated = pan.slice(0, position) + digit + pan.slice(position + 1);
        expect(luhnValid(mutated)).toBe(false);
      }),
    );
  });

  it('property: any string with a character other than ASCII digits, single space or dash is refused', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }), fc.nat(15), (junk, at) => {
        fc.pre(/[^0-9 -]/.test(junk));
        const pan = '4242424242424242';
        const input = pan.slice(0, at) + junk + pan.slice(at);
        expect(() => parsePan(input)).toThrow(expect.objectContaining({ code: 'card_number_invalid' }));
      }),
    );
  });

  it('property: Unicode digits of other scripts are never accepted', () => {
    const scripts = [0xff10, 0x0660, 0x06f0, 0x0966, 0x09e6, 0x1d7ce];
    fc.assert(
      fc.property(fc.constantFrom(...scripts), (zero) => {
        const converted = Array.from('4242424242424242', (d) => String.fromCodePoint(zero + Number(d))).join('');
        expect(() => parsePan(converted)).toThrow();
      }),
    );
  });
});

describe('brands', () => {
  it('knows the security code length', () => {
    expect(cvcLength('amex')).toBe(4);
    expect(cvcLength('visa')).toBe(3);
    expect(cvcLength('unknown')).toBe(3);
  });
  it('prefers the most specific range: UnionPay over Discover in 622126–622925, Elo over Visa, Troy over Discover', () => {
    expect(detectBrand('6221260000000000').brand).toBe('unionpay');
    expect(detectBrand('6229260000000000').brand).toBe('unionpay');
    expect(detectBrand('4011780000000000').brand).toBe('elo');
    expect(detectBrand('6500520000000000').brand).toBe('troy');
    expect(detectBrand('5895620000000000').brand).toBe('naranja');
  });
  it('a 13-digit Visa is no longer issued and is refused; 18 digits are', () => {
    expect(() => parsePan('4222222222222')).toThrow(expect.objectContaining({ code: 'card_number_invalid' }));
    expect(parsePan(withCheckDigit('4'.padEnd(17, '1'))).brand).toBe('visa');
  });
});
