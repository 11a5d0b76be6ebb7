import { luhnValid } from '../../services/vault/src/cards/pan.ts';

/** Appends the Luhn check digit to a digit string. */
export function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable');
}

/** A Luhn-valid 16-digit Visa number, distinct for each (i, salt) with i < 10^9. */
export function distinctVisa(i: number, salt: number): string {
  return withCheckDigit(`4${String(salt % 100_000).padStart(5, '0')}${String(i).padStart(9, '0')}`);
}
