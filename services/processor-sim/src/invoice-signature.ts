/**
 * Reference processor, part 3: the invoice a payment session binds carries the partner's original JWS
 * (`invoiceJws`). The processor trusts the partners' public keys itself (keys-example/partners/*.public.jwks.json
 * here) and refuses — no approval — an invoice whose signature does not verify under the partner's keys, or whose
 * signed fields differ from the fields it is asked to charge.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type { Invoice } from './redeem-client.ts';

/** Partner id (an invoice's `iss`) → its public signature keys. */
export type TrustedPartners = Readonly<Record<string, JSONWebKeySet>>;

/** The partners a processor trusts: every `<partner id>-public.jwks.json` in `dir` (as keys-example/partners holds them). */
export function loadTrustedPartners(dir: string): TrustedPartners {
  const partners: Record<string, JSONWebKeySet> = {};
  for (const file of readdirSync(dir)) {
    const id = /^([a-z0-9][a-z0-9-]*)-public\.jwks\.json$/.exec(file)?.[1];
    if (id) partners[id] = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as JSONWebKeySet;
  }
  return Object.freeze(partners);
}

/** Only the algorithms the partners sign with: never `none`, never HMAC. */
const ALGORITHMS = ['ES256', 'EdDSA'];

/** Throws unless `jws` is `invoice`, signed by its partner with a trusted key, valid at `at` (the token's issue). */
export async function checkSignedInvoice(jws: unknown, invoice: Invoice, partners: TrustedPartners, at: Date): Promise<void> {
  if (typeof jws !== 'string') throw new Error('invoice not signed by its partner');
  const jwks = Object.hasOwn(partners, invoice.partner) ? partners[invoice.partner] : undefined;
  if (!jwks) throw new Error('invoice partner not trusted');
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(jws, createLocalJWKSet(jwks), { algorithms: ALGORITHMS, issuer: invoice.partner, typ: 'invoice+jwt', currentDate: at, clockTolerance: 60 }));
  } catch {
    throw new Error('invoice signature does not verify');
  }
  const merchant = claims['merchant'] as { id?: unknown } | undefined;
  const signed = { id: claims['invoice_id'], amount: claims['amount'], currency: claims['currency'], merchantId: merchant?.id };
  for (const field of ['id', 'amount', 'currency', 'merchantId'] as const) {
    if (signed[field] !== invoice[field]) throw new Error(`signed invoice mismatch: ${field}`);
  }
}
