import { ClientError } from '../errors/vault-error.ts';

/**
 * A user cannot pile up open sessions (card-entry or payment: each is a live bearer secret). `live` is the expiry
 * of each of the user's open, unexpired sessions, soonest first, read under the owner's lock; at the cap, 429 with
 * Retry-After when the session that frees a slot expires.
 */
export function checkLiveSessionCap(live: readonly Date[], maxLive: number, now: Date): void {
  if (live.length < maxLive) return;
  const oldest = live[live.length - maxLive]!;
  throw new ClientError('rate_limited', [], Math.max(1, Math.ceil((oldest.getTime() - now.getTime()) / 1000)));
}
