/**
 * The reference processor as a command:
 *   npm run processor-sim -- --vault https://localhost:8443 --processor xero-payments --token pt_… \
 *     --invoice '{"id":"INV-1","amount":12345,"currency":"EUR","merchantId":"m-1","partner":"xero"}'
 * Keys and certificates default to keys-example/ (dev only).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTrustedPartners } from './invoice-signature.ts';
import { approve, openCard } from './open-card.ts';
import { commandLine, usageError } from '../../vault/src/tooling.ts';
import { redeemToken, type Invoice } from './redeem-client.ts';

const examples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../keys-example');
const USAGE = [
  "usage: npm run processor-sim -- --token pt_… --invoice '<json>' [--processor xero-payments] [--vault https://localhost:8443]",
  '                                [--partners keys-example/partners] [--allow-unsigned]',
  'The reference processor: redeems a token over mTLS, opens the JWE with node-jose, checks the invoice binding and the',
  "partner's signature on it (public keys <partner>-public.jwks.json in --partners). --allow-unsigned also charges a",
  'token from the direct path, whose invoice no partner signed.',
].join('\n');
const { values } = commandLine({
  usage: USAGE,
  options: {
    vault: { type: 'string', default: 'https://localhost:8443' },
    processor: { type: 'string', default: 'xero-payments' },
    token: { type: 'string' },
    invoice: { type: 'string' },
    partners: { type: 'string', default: path.join(examples, 'partners') },
    'allow-unsigned': { type: 'boolean', default: false },
  },
});
if (!values.token || !values.invoice) usageError(USAGE, '--token and --invoice are required');
const id = values.processor;
const redemption = await redeemToken(
  values.vault,
  {
    certFile: path.join(examples, 'tls', 'clients', `processor-${id}.pem`),
    keyFile: path.join(examples, 'tls', 'clients', `processor-${id}-key.pem`),
    caFile: path.join(examples, 'tls', 'ca.pem'),
  },
  values.token,
);
const privateJwk = JSON.parse(readFileSync(path.join(examples, 'processors', `${id}-private.jwk.json`), 'utf8')) as object;
const trusted = values['allow-unsigned'] ? undefined : loadTrustedPartners(values.partners);
const card = await openCard(redemption.jwe, privateJwk, JSON.parse(values.invoice) as Invoice, new Date(), trusted);
const result = approve(card);
console.log(`APPROVED ${result.brandHint} •••• ${result.last4} for ${(result.amount / 100).toFixed(2)} ${result.currency}`);
