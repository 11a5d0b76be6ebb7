import { statement, type Sql } from '../storage/sql.ts';
import type { Owner } from '../identity/actor.ts';

/** One invoice of one user: partner + invoice id. */
export interface InvoiceKey {
  readonly partnerId: string;
  readonly invoiceId: string;
}

export interface InvoiceClaim extends InvoiceKey {
  readonly owner: Owner;
  readonly sessionId: string;
  readonly tokenId: string;
  readonly tokenExpiresAt: Date;
}

/**
 * The only code that touches `invoice_payments`: the authority that one invoice is paid at most once per user.
 * A row is held by a live token (until `token_expires_at`) or for good once its token was redeemed.
 */
export interface InvoicePaymentRepository {
  /**
   * Claims the invoice for a token, inside the confirm's transaction: true when no claim held it (none, or one
   * whose token expired unredeemed); false when a live or redeemed token holds it. Concurrent claims of one
   * invoice serialise on the primary key: exactly one wins.
   */
  claim(claim: InvoiceClaim, now: Date): Promise<boolean>;
  /** Whether a live or redeemed token holds the invoice. */
  isHeld(owner: Owner, invoice: InvoiceKey, now: Date): Promise<boolean>;
  /**
   * The token is being redeemed: its invoice stays paid for good. False when the invoice's claim no longer names
   * this token — it expired and another token claimed the invoice (Redis may still hold an expired token for a
   * moment: it keeps a key until past its expiry, on its own clock) — and then the token must not be released.
   * Marking a token already marked changes nothing and answers true (a redeem retried after the caller went).
   */
  markRedeemed(tokenId: string, now: Date): Promise<boolean>;
  /**
   * The redeem that marked the token did not deliver it (its caller went, and the token was put back): the invoice
   * is held by the live token again — until it expires unredeemed (then free), or a retry redeems and marks it.
   */
  unmarkRedeemed(tokenId: string): Promise<void>;
}

const CLAIM = statement(
  'invoice_payments_claim',
  `INSERT INTO "invoice_payments" ("tenant_id", "user_id", "partner_id", "invoice_id", "session_id", "token_id", "token_expires_at")
   VALUES ($1, $2, $3, $4, $5, $6, $7)
   ON CONFLICT ("tenant_id", "user_id", "partner_id", "invoice_id") DO UPDATE
     SET "session_id" = EXCLUDED."session_id", "token_id" = EXCLUDED."token_id", "token_expires_at" = EXCLUDED."token_expires_at",
         "redeemed_at" = NULL, "created_at" = CURRENT_TIMESTAMP
     WHERE "invoice_payments"."redeemed_at" IS NULL AND "invoice_payments"."token_expires_at" <= $8
   RETURNING "token_id"`,
);
const HELD = statement(
  'invoice_payments_held',
  `SELECT 1 AS "held" FROM "invoice_payments"
   WHERE "tenant_id" = $1 AND "user_id" = $2 AND "partner_id" = $3 AND "invoice_id" = $4
     AND ("redeemed_at" IS NOT NULL OR "token_expires_at" > $5)`,
);
const REDEEMED = statement('invoice_payments_redeem', `UPDATE "invoice_payments" SET "redeemed_at" = COALESCE("redeemed_at", $2) WHERE "token_id" = $1`);
const UNREDEEMED = statement('invoice_payments_unredeem', `UPDATE "invoice_payments" SET "redeemed_at" = NULL WHERE "token_id" = $1`);

export class SqlInvoicePaymentRepository implements InvoicePaymentRepository {
  constructor(private readonly sql: Sql) {}

  async claim(c: InvoiceClaim, now: Date): Promise<boolean> {
    const rows = await this.sql.rows(CLAIM, [c.owner.tenantId, c.owner.userId, c.partnerId, c.invoiceId, c.sessionId, c.tokenId, c.tokenExpiresAt, now]);
    return rows.length === 1;
  }

  async isHeld(owner: Owner, invoice: InvoiceKey, now: Date): Promise<boolean> {
    return (await this.sql.rows(HELD, [owner.tenantId, owner.userId, invoice.partnerId, invoice.invoiceId, now])).length > 0;
  }

  async markRedeemed(tokenId: string, now: Date): Promise<boolean> {
    return (await this.sql.count(REDEEMED, [tokenId, now])) === 1;
  }

  async unmarkRedeemed(tokenId: string): Promise<void> {
    await this.sql.count(UNREDEEMED, [tokenId]);
  }
}
