/**
 * The messages between the hosted card form (in its iframe, on the vault's origin) and the embedding page, by
 * `window.postMessage` with an exact target origin on both sides. The embed SDK (embed.ts) speaks it for
 * the page; an integrator who does not use the SDK can speak it directly. No message ever carries a card number.
 *
 *   form → page   vault:ready        { version }                         loaded, waiting for a session
 *   page → form   vault:card-session { clientSecret }                    the single-use card-entry session secret
 *   page → form   vault:appearance   { appearance }                      theming (appearance.ts); refused whole if invalid
 *   form → page   vault:change       { brand, empty, complete }          after each edit: the brand so far, whether
 *                                                                          every field is filled and valid
 *   form → page   vault:card-saved   { card }                            the masked card (id, brand, last4, expiry, name)
 *   form → page   vault:error        { code, field? }                    the vault's error code, or appearance_invalid
 *   form → page   vault:resize       { height }                          the form's height in CSS px, when it changes
 */
export const PROTOCOL_VERSION = 1;

export const MESSAGE = {
  ready: 'vault:ready',
  cardSession: 'vault:card-session',
  appearance: 'vault:appearance',
  change: 'vault:change',
  cardSaved: 'vault:card-saved',
  error: 'vault:error',
  resize: 'vault:resize',
} as const;

export type { FormChange, SavedCard } from './embed-types.ts';

/** The shape of a card-entry session secret (card-session-service), checked before it is used. */
export const SESSION_SECRET = /^[A-Za-z0-9_-]{16,200}$/;
