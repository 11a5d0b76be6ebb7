import { z } from 'zod';
import { MAX_INVOICE_LENGTH } from '../invoices/invoice-claims.ts';

/** `POST /v1/payment-sessions`: structure only (400); the rules come after, in the order of the token issue (422/409). */
export const createPaymentSessionSchema = z
  .object({
    cardId: z.string().max(64),
    processorId: z.string().max(64),
    /** The partner-signed invoice: a compact JWS (README "Invoices"). */
    invoice: z.string().max(MAX_INVOICE_LENGTH + 1),
  })
  .strict();

/** `POST /v1/payment-sessions/current/confirm` on the public listener: the security code, nothing else. */
export const confirmPaymentSchema = z.object({ cvc: z.string().max(16) }).strict();

/** Payment session ids: `ps_` + 22 base64url characters. */
export const PAYMENT_SESSION_ID = /^ps_[A-Za-z0-9_-]{16,40}$/;

/** The secret of `Authorization: PaymentSession <clientSecret>`, or null. */
export function paymentSessionSecret(authorization: string | undefined): string | null {
  return /^PaymentSession ([A-Za-z0-9_-]{16,200})$/.exec(authorization ?? '')?.[1] ?? null;
}
