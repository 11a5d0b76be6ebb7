import type { InvoiceClaim, InvoiceKey, InvoicePaymentRepository } from '../../../services/vault/src/payment-sessions/invoice-payment-repository.ts';
import { uniqueViolation, type Binding, type StoredInvoicePayment } from './in-memory-tables.ts';
import type { Owner } from '../../../services/vault/src/identity/actor.ts';

/** The primary key (tenant, user, partner, invoice) as one map key; JSON, so no two keys meet by concatenation. */
export function invoicePaymentKey(owner: Owner, invoice: InvoiceKey): string {
  return JSON.stringify([owner.tenantId, owner.userId, invoice.partnerId, invoice.invoiceId]);
}

/** A live token (until `tokenExpiresAt`, exclusive) or a redeemed one holds the invoice. */
const heldAt = (row: StoredInvoicePayment, now: Date) => row.redeemedAt !== null || row.tokenExpiresAt > now;

/**
 * `invoice_payments` in memory. `claim` is the SQL's `INSERT … ON CONFLICT (primary key) DO UPDATE … WHERE` the
 * held token expired unredeemed: a new row, or the expired row taken over (redeemed mark cleared), else nothing.
 * Each call runs to completion before another starts (no await inside), so concurrent claims of one invoice leave
 * exactly one winner, as the primary key's row lock does. `token_id` is unique across rows, as its index is.
 */
export class InMemoryInvoicePaymentRepository implements InvoicePaymentRepository {
  constructor(private readonly b: Binding) {}

  async claim(c: InvoiceClaim, now: Date): Promise<boolean> {
    const table = this.b.db.invoicePayments;
    const key = invoicePaymentKey(c.owner, c);
    const existing = table.get(key);
    if (existing && heldAt(existing, now)) return false;
    if (table.rows().some((r) => r.tokenId === c.tokenId && r !== existing)) throw uniqueViolation('invoice_payments_token_id_key');
    const row: StoredInvoicePayment = {
      tenantId: c.owner.tenantId,
      userId: c.owner.userId,
      partnerId: c.partnerId,
      invoiceId: c.invoiceId,
      sessionId: c.sessionId,
      tokenId: c.tokenId,
      tokenExpiresAt: c.tokenExpiresAt,
      redeemedAt: null,
    };
    table.put(key, row, this.b.journal);
    return true;
  }

  async isHeld(owner: Owner, invoice: InvoiceKey, now: Date): Promise<boolean> {
    this.b.journal?.assertOpen();
    const row = this.b.db.invoicePayments.get(invoicePaymentKey(owner, invoice));
    return row !== undefined && heldAt(row, now);
  }

  async markRedeemed(tokenId: string, now: Date): Promise<boolean> {
    this.b.journal?.assertOpen();
    const row = this.b.db.invoicePayments.rows().find((r) => r.tokenId === tokenId);
    if (!row) return false;
    if (row.redeemedAt === null) this.b.db.invoicePayments.put(invoicePaymentKey(row, row), { ...row, redeemedAt: now }, this.b.journal);
    return true;
  }

  async unmarkRedeemed(tokenId: string): Promise<void> {
    this.b.journal?.assertOpen();
    const row = this.b.db.invoicePayments.rows().find((r) => r.tokenId === tokenId);
    if (row && row.redeemedAt !== null) this.b.db.invoicePayments.put(invoicePaymentKey(row, row), { ...row, redeemedAt: null }, this.b.journal);
  }
}
