import { readFileSync } from 'node:fs';
import { importJWK, SignJWT, type JWK } from 'jose';
import { keysExample } from '../config/repo-paths.ts';
import { INVOICE_TYP } from '../invoices/invoice-claims.ts';

/** The example invoice partners, with keys under keys-example/partners/: Xero signs with ES256, FreshBooks with EdDSA. */
export const EXAMPLE_PARTNERS = [
  { id: 'xero', name: 'Xero (example)' },
  { id: 'freshbooks', name: 'FreshBooks (example)' },
] as const;
export type ExamplePartnerId = (typeof EXAMPLE_PARTNERS)[number]['id'];

export interface ExampleInvoice {
  readonly partner: ExamplePartnerId;
  readonly invoiceId: string;
  readonly amount: number;
  readonly currency: string;
  readonly merchantId: string;
  readonly merchantName: string;
  /** YYYY-MM-DD. */
  readonly dueDate: string;
  /** Seconds from now until `exp` (default one hour). */
  readonly lifetimeSeconds?: number;
  /** Seconds from now until `nbf`; absent: no `nbf`. */
  readonly notBeforeSeconds?: number;
}

/**
 * An invoice signed as the example partner would sign it (README "Invoices"): a compact JWS with the partner's
 * keys-example private key. For dev mode, the demo and tests; production never trusts these keys.
 */
export async function mintExampleInvoice(invoice: ExampleInvoice, now: Date = new Date()): Promise<string> {
  const jwk = JSON.parse(readFileSync(keysExample('partners', `${invoice.partner}-private.jwk.json`), 'utf8')) as JWK & { kid: string; alg: string };
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({
    invoice_id: invoice.invoiceId,
    amount: invoice.amount,
    currency: invoice.currency,
    merchant: { id: invoice.merchantId, display_name: invoice.merchantName },
    due_date: invoice.dueDate,
    ...(invoice.notBeforeSeconds !== undefined ? { nbf: iat + invoice.notBeforeSeconds } : {}),
  })
    .setProtectedHeader({ alg: jwk.alg, kid: jwk.kid, typ: INVOICE_TYP })
    .setIssuer(invoice.partner)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (invoice.lifetimeSeconds ?? 3600))
    .sign(await importJWK(jwk, jwk.alg));
}
