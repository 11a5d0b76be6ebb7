import type { InvoicePaymentRepository } from '../../../services/vault/src/payment-sessions/invoice-payment-repository.ts';
import type { PaymentSessionRepository } from '../../../services/vault/src/payment-sessions/payment-session-repository.ts';

/**
 * Payment sessions are not faked yet: their rules are tested against PostgreSQL and Redis (test/integration/
 * payment-sessions.test.ts). A service test that reaches them fails loudly here rather than passing on a fake
 * that was never held to the real adapter by a contract.
 */
function unfaked<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: (_target, method) => () => Promise.reject(new Error(`${name}.${String(method)}: not faked (payment sessions run on PostgreSQL in tests)`)),
  });
}

export const unfakedPaymentSessions = (): PaymentSessionRepository => unfaked<PaymentSessionRepository>('paymentSessions');
export const unfakedInvoicePayments = (): InvoicePaymentRepository => unfaked<InvoicePaymentRepository>('invoicePayments');
