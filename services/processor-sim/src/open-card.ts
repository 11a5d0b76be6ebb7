/**
 * Reference processor, part 2: open the JWE with the processor's private key using node-jose (as many
 * partners do), and check it before charging: not expired, and bound to the very invoice being paid.
 */
import nodeJose from 'node-jose';
import type { Invoice } from './redeem-client.ts';
import { checkSignedInvoice, type TrustedPartners } from './invoice-signature.ts';

export interface CardForCharge {
  readonly number: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly cardholderName: string;
  readonly cvc: string;
  readonly billingAddress: Record<string, string> | null;
  readonly invoice: Invoice;
  /** The partner's invoice exactly as signed (tokens of payment sessions). */
  readonly invoiceJws?: string;
  readonly tokenId: string;
  readonly iat: number;
  readonly exp: number;
}

/** Only what we registered with the vault: refuse anything weaker before decrypting. */
const ALLOWED = { alg: ['RSA-OAEP-256', 'ECDH-ES+A256KW'], enc: ['A256GCM'] };

/**
 * `trustedPartners`: when given, the invoice must carry its partner's signed original (`invoiceJws`), verified
 * under the partner's keys and equal in every field; otherwise the card is refused.
 */
export async function openCard(jwe: string, privateJwk: object, expected: Invoice, now = new Date(), trustedPartners?: TrustedPartners): Promise<CardForCharge> {
  const keystore = await nodeJose.JWK.asKeyStore({ keys: [privateJwk] });
  const { plaintext } = await nodeJose.JWE.createDecrypt(keystore, { algorithms: [...ALLOWED.alg, ...ALLOWED.enc] }).decrypt(jwe);
  const card = JSON.parse(plaintext.toString('utf8')) as CardForCharge;
  if (card.exp * 1000 <= now.getTime()) throw new Error('token expired');
  for (const field of ['id', 'amount', 'currency', 'merchantId', 'partner'] as const) {
    if (card.invoice[field] !== expected[field]) throw new Error(`invoice binding mismatch: ${field}`);
  }
  if (trustedPartners) await checkSignedInvoice(card.invoiceJws, card.invoice, trustedPartners, new Date(card.iat * 1000));
  return card;
}

/** "Charges" the card: a real processor would authorise with the network here. Prints only masked data. */
export function approve(card: CardForCharge): { approved: true; brandHint: string; last4: string; amount: number; currency: string } {
  const brandHint = card.number.startsWith('4') ? 'visa' : card.number.startsWith('3') ? 'amex/diners/jcb' : 'card';
  return { approved: true, brandHint, last4: card.number.slice(-4), amount: card.invoice.amount, currency: card.invoice.currency };
}
