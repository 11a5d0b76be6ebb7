import { ClientError } from '../errors/vault-error.ts';

export interface Expiry {
  readonly month: number;
  readonly year: number;
}

/** Cards are issued for at most 20 years; anything further out is a typo. */
export const MAX_YEARS_AHEAD = 20;

/**
 * A card is valid through the last day of its expiry month (UTC). Month outside 1–12, or a date more than
 * 20 years ahead → `expiry_invalid`; a month already over → `card_expired`.
 */
export function checkExpiry(expiry: Expiry, now: Date): Expiry {
  const { month, year } = expiry;
  if (!Number.isInteger(month) || month < 1 || month > 12 || !Number.isInteger(year) || year < 1000 || year > 9999) {
    throw new ClientError('expiry_invalid', [{ path: month >= 1 && month <= 12 ? 'expYear' : 'expMonth', code: 'expiry_invalid' }]);
  }
  if (isExpired(expiry, now)) throw new ClientError('card_expired', [{ path: 'expYear', code: 'card_expired' }]);
  const thisMonth = now.getUTCFullYear() * 12 + now.getUTCMonth();
  if (year * 12 + (month - 1) > thisMonth + MAX_YEARS_AHEAD * 12) {
    throw new ClientError('expiry_invalid', [{ path: 'expYear', code: 'expiry_invalid' }]);
  }
  return { month, year };
}

export function isExpired({ month, year }: Expiry, now: Date): boolean {
  return year * 12 + (month - 1) < now.getUTCFullYear() * 12 + now.getUTCMonth();
}
