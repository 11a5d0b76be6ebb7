import { z } from 'zod';
import { ClientError, type FieldProblem } from '../errors/vault-error.ts';
import { CURRENCIES } from './currencies.ts';
import { cvcLength, type CardBrand } from '../cards/card-brand.ts';
import { Cvc } from '../crypto/secret.ts';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** `POST /v1/payment-tokens`: structure only (400); the rules come after, in the order of their cost (422). */
export const issueTokenSchema = z
  .object({
    cardId: z.string().max(64),
    cvc: z.string().max(16),
    processorId: z.string().max(64),
    invoice: z
      .object({
        id: z.string().max(64),
        amount: z.number(),
        currency: z.string().max(8),
        merchantId: z.string().max(64),
        partner: z.string().max(32),
      })
      .strict(),
  })
  .strict();

export type IssueTokenInput = z.infer<typeof issueTokenSchema>;

export interface Invoice {
  readonly id: string;
  readonly amount: number;
  readonly currency: string;
  readonly merchantId: string;
  readonly partner: string;
}

/** The invoice a token is bound to: safe ids, a positive integer amount in minor units, ISO 4217, a known partner. */
export function checkInvoice(invoice: IssueTokenInput['invoice'], maxAmount: number, partners: readonly string[]): Invoice {
  const problems: FieldProblem[] = [];
  if (!SAFE_ID.test(invoice.id)) problems.push({ path: 'invoice.id', code: 'invalid_identifier' });
  if (!SAFE_ID.test(invoice.merchantId)) problems.push({ path: 'invoice.merchantId', code: 'invalid_identifier' });
  if (problems.length) throw new ClientError('invalid_request', problems);
  if (!partners.includes(invoice.partner)) throw new ClientError('invalid_request', [{ path: 'invoice.partner', code: 'partner_unknown' }]);
  if (!Number.isSafeInteger(invoice.amount) || invoice.amount <= 0 || invoice.amount > maxAmount) {
    throw new ClientError('amount_invalid', [{ path: 'invoice.amount', code: 'amount_invalid' }]);
  }
  if (!CURRENCIES.has(invoice.currency)) throw new ClientError('currency_invalid', [{ path: 'invoice.currency', code: 'currency_invalid' }]);
  return { id: invoice.id, amount: invoice.amount, currency: invoice.currency, merchantId: invoice.merchantId, partner: invoice.partner };
}

/** A security code: ASCII digits only, 4 for Amex and 3 for every other brand. */
export function parseCvc(input: string, brand: CardBrand): Cvc {
  if (input.length !== cvcLength(brand) || !/^[0-9]+$/.test(input)) {
    throw new ClientError('cvc_invalid', [{ path: 'cvc', code: 'cvc_invalid' }]);
  }
  return new Cvc(input);
}

/** Payment tokens: `pt_` + 43 base64url characters (256 random bits). */
export const PAYMENT_TOKEN = /^pt_[A-Za-z0-9_-]{43}$/;

/**
 * `POST /v1/payment-tokens/redeem`, as documented: one member, the token. The service checks it itself and answers
 * every malformed request with its one 404 (`token_not_found`, audited) — never a 400 that tells a shape apart.
 */
export const redeemTokenSchema = z.object({ token: z.string(), redemptionId: z.string().optional() }).strict();

/** A processor's own id for one redemption: a repeat with it gets the same answer (README "Payment tokens"). */
export const REDEMPTION_ID = /^[A-Za-z0-9._~-]{1,64}$/;
