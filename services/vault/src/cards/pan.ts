import { ClientError } from '../errors/vault-error.ts';
import { Pan } from '../crypto/secret.ts';
import type { CardBrand } from './card-brand.ts';
import { checkPan } from './pan-rules.ts';

export { luhnValid } from './pan-rules.ts';

export interface ParsedPan {
  readonly pan: Pan;
  readonly brand: CardBrand;
  /** First 6 digits: enough to route and show the issuer, fewer than PCI DSS allows (8 for 16+ digits). */
  readonly bin: string;
  readonly last4: string;
}

/**
 * Validates a submitted card number and returns it wrapped as a `Pan`, with its masked parts. Every failure is
 * the same `card_number_invalid` with no trace of the input.
 */
export function parsePan(input: string): ParsedPan {
  const checked = checkPan(input);
  if (!checked.ok) throw new ClientError('card_number_invalid', [{ path: 'number', code: 'card_number_invalid' }]);
  const { digits, brand } = checked;
  return { pan: new Pan(digits), brand, bin: digits.slice(0, 6), last4: digits.slice(-4) };
}
