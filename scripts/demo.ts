/**
 * `npm run demo`: one whole payment against a dev-mode vault this script starts — a card-entry session, a card
 * added as the browser would, the cards listed as the payment flow, a partner-signed invoice, a payment session
 * opened by the payment flow, the pay form's two public calls made as the browser would (the security code goes
 * only to the vault), the token read from the session, redeemed, opened and its invoice signature verified by the
 * reference processor, approved. Every step printed, masked.
 * This file only parses the command line (so `--help` loads nothing of the vault); demo-run.ts does the work.
 */
import { commandLine } from '../services/vault/src/tooling.ts';

commandLine({ usage: 'usage: npm run demo   — one whole payment (payment session, pay form, reference processor) against a dev vault it starts (own ports, throw-away database), every step printed, masked' });
const { runDemo } = await import('./demo-run.ts');
await runDemo();
