import { luhnValid } from '../../services/vault/src/cards/pan.ts';

/** Appends the Luhn check digit to a digit string. */
export function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable');
}

/**
 * A Luhn-valid 16-digit Visa number, distinct for each (i, salt % 10^4) with i < 10^9. It starts `42`: no other
 * network claims a 42… number (Elo's, Naranja's and Maestro's 4… ranges are 40…, 43…, 45…, 49…), so whatever the salt,
 * the brand is Visa.
 */
export function distinctVisa(i: number, salt: number): string {
  return withCheckDigit(`42${String(salt % 10_000).padStart(4, '0')}${String(i).padStart(9, '0')}`);
}
