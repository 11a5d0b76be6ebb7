/**
 * The messages between the pay form (in its iframe, on the vault's origin) and the embedding page, by
 * `window.postMessage` with exact target origins both ways — the card form's protocol
 * (card-form/browser/protocol.ts) with the pay form's own session and outcome messages. The embed SDK's
 * `mountPayForm` speaks it. No message to the page carries the security code, the card or the session secret.
 *
 *   form → page   vault:ready            { version }          loaded, waiting for the session
 *   page → form   vault:payment-session  { sessionSecret }    the payment session's client secret
 *   page → form   vault:appearance       { appearance }       theming (card-form/appearance.ts); refused whole if invalid
 *   form → page   vault:error            { code, field? }     appearance_invalid, or a refusal that leaves the session open
 *   form → page   vault:resize           { height }           the form's height in CSS px, when it changes
 *   form → page   paid                   (nothing else)       the vault issued the payment token
 *   form → page   failed                 { code }             the session cannot succeed any more (the vault's code)
 */
import { MESSAGE } from '../../card-form/browser/protocol.ts';

export const PAY_MESSAGE = {
  ready: MESSAGE.ready,
  paymentSession: 'vault:payment-session',
  appearance: MESSAGE.appearance,
  error: MESSAGE.error,
  resize: MESSAGE.resize,
  paid: 'paid',
  failed: 'failed',
} as const;

export { PROTOCOL_VERSION, SESSION_SECRET } from '../../card-form/browser/protocol.ts';
