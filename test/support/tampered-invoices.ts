import { randomBytes } from 'node:crypto';
import { base64url, importJWK, SignJWT, type JWK } from 'jose';
import { mintExampleInvoice, type ExampleInvoice } from '../../services/vault/src/dev/invoice-mint.ts';
import { partnerJwks, partnerPrivateJwk } from './payments.ts';

/**
 * Issue 23's tampering acceptance: invoices a payment session must refuse, each with the code the vault answers
 * and the check its field problem names (`{path: 'invoice', code: check}`). `make` gets the id of a partner that is
 * registered with Xero's example key and disabled (only the disabled-partner case uses it).
 */
export interface TamperedInvoice {
  readonly name: string;
  readonly make: (disabledPartner: string) => Promise<string>;
  readonly code: 'invoice_invalid' | 'partner_disabled';
  readonly check: string;
}

/** A valid invoice signed with the example Xero key. */
export const exampleInvoice = (more: Partial<ExampleInvoice> = {}) =>
  mintExampleInvoice({ partner: 'xero', invoiceId: `INV-${randomBytes(4).toString('hex')}`, amount: 12_345, currency: 'EUR', merchantId: 'merchant-42', merchantName: 'Acme GmbH', dueDate: '2027-01-15', ...more });

/** A compact JWS with another payload under the same header and signature. */
function withPayload(jws: string, change: (claims: Record<string, unknown>) => void): string {
  const [header, payload, signature] = jws.split('.');
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload!)));
  change(claims);
  return `${header}.${base64url.encode(JSON.stringify(claims))}.${signature}`;
}

async function signed(header: Record<string, unknown>, claims: Record<string, unknown>, key: JWK, alg: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader(header as never).sign(await importJWK(key, alg));
}

const claimsNow = () => {
  const iat = Math.floor(Date.now() / 1000);
  return { iss: 'xero', invoice_id: 'INV-T', amount: 100, currency: 'EUR', merchant: { id: 'm-1', display_name: 'Acme' }, due_date: '2027-01-15', iat, exp: iat + 600 };
};
const unsigned = (header: object, claims: object) => `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(claims))}.`;
const xero = () => partnerPrivateJwk('xero');

export const TAMPERED_INVOICES: readonly TamperedInvoice[] = [
  { name: 'amount changed after signing', make: async () => withPayload(await exampleInvoice(), (c) => (c['amount'] = 1)), code: 'invoice_invalid', check: 'signature' },
  {
    name: 'payee changed after signing',
    make: async () => withPayload(await exampleInvoice(), (c) => (c['merchant'] = { id: 'mallory', display_name: 'Mallory Ltd' })),
    code: 'invoice_invalid',
    check: 'signature',
  },
  { name: 'an unknown kid', make: () => signed({ alg: 'ES256', kid: 'nobody-1', typ: 'invoice+jwt' }, claimsNow(), xero(), 'ES256'), code: 'invoice_invalid', check: 'kid' },
  {
    name: "another partner's key (FreshBooks' key, issued as Xero)",
    make: () => signed({ alg: 'EdDSA', kid: partnerPrivateJwk('freshbooks').kid, typ: 'invoice+jwt' }, claimsNow(), partnerPrivateJwk('freshbooks'), 'EdDSA'),
    code: 'invoice_invalid',
    check: 'kid',
  },
  { name: 'alg none', make: async () => unsigned({ alg: 'none', kid: xero().kid, typ: 'invoice+jwt' }, claimsNow()), code: 'invoice_invalid', check: 'algorithm' },
  {
    name: 'HS256 keyed with the public key',
    make: () => {
      const secret = new TextEncoder().encode(JSON.stringify(partnerJwks('xero').keys[0]));
      return new SignJWT(claimsNow()).setProtectedHeader({ alg: 'HS256', kid: xero().kid!, typ: 'invoice+jwt' }).sign(secret);
    },
    code: 'invoice_invalid',
    check: 'algorithm',
  },
  { name: 'expired', make: () => exampleInvoice({ lifetimeSeconds: -3600 }), code: 'invoice_invalid', check: 'expired' },
  { name: 'not yet valid', make: () => exampleInvoice({ notBeforeSeconds: 3600 }), code: 'invoice_invalid', check: 'not_yet_valid' },
  {
    name: 'a disabled partner',
    make: (disabledPartner) => signed({ alg: 'ES256', kid: xero().kid, typ: 'invoice+jwt' }, { ...claimsNow(), iss: disabledPartner }, xero(), 'ES256'),
    code: 'partner_disabled',
    check: 'partner_disabled',
  },
];
