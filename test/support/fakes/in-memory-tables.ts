import type { AuditRecord } from '../../../services/vault/src/audit/audit-event.ts';
import type { BillingProfileRecord } from '../../../services/vault/src/billing-profiles/billing-profile-record.ts';
import type { CardSessionRecord } from '../../../services/vault/src/card-sessions/card-session-repository.ts';
import type { CardRecord } from '../../../services/vault/src/cards/card-record.ts';
import type { IdempotencyRecord } from '../../../services/vault/src/idempotency/idempotency-record-repository.ts';
import type { ProcessorRecord } from '../../../services/vault/src/processors/processor-repository.ts';
import type { PartnerRecord } from '../../../services/vault/src/partners/partner-repository.ts';
import type { ExportRequestRecord } from '../../../services/vault/src/portability/export-request-repository.ts';
import type { PaymentSessionRecord } from '../../../services/vault/src/payment-sessions/payment-session-repository.ts';
import type { RecordedRedemption } from '../../../services/vault/src/payment-tokens/token-redemption-repository.ts';

/**
 * The storage under the in-memory repositories: tables of rows by primary key, and an undo journal per
 * transaction. A write inside a transaction records how to undo itself; a rollback replays the journal
 * backwards. Writes outside a transaction (the `repos` of the unit of work) record nothing and stay, as an
 * autocommitted statement on another connection does — so a denial audited outside a transaction survives the
 * transaction's rollback, here as in PostgreSQL.
 */
export class Journal {
  readonly #undo: Array<() => void> = [];
  #open = true;

  record(undo: () => void): void {
    this.assertOpen();
    this.#undo.push(undo);
  }

  rollback(): void {
    for (const undo of this.#undo.reverse()) undo();
    this.#undo.length = 0;
    this.#open = false;
  }

  commit(): void {
    this.#undo.length = 0;
    this.#open = false;
  }

  /** A query on a transaction that has ended is refused (pg: the connection is back in the pool); so do the fakes. */
  assertOpen(): void {
    if (!this.#open) throw new Error('Transaction already closed: a query was made after the transaction ended');
  }
}

/** What a repository is bound to: the tables, the transaction's journal (null: autocommit), and the clock. */
export interface Binding {
  readonly db: InMemoryDatabase;
  readonly journal: Journal | null;
  readonly now: () => Date;
}

/** One table: rows by primary key, in insertion order (what PostgreSQL returns for a query without ORDER BY, roughly). */
export class Table<Row> {
  readonly #rows = new Map<string, Row>();

  get(key: string): Row | undefined {
    return this.#rows.get(key);
  }

  rows(): Row[] {
    return [...this.#rows.values()];
  }

  put(key: string, row: Row, journal: Journal | null): void {
    journal?.assertOpen();
    const had = this.#rows.has(key);
    const before = this.#rows.get(key);
    this.#rows.set(key, row);
    journal?.record(() => (had ? this.#rows.set(key, before as Row) : this.#rows.delete(key)));
  }

  delete(key: string, journal: Journal | null): boolean {
    journal?.assertOpen();
    if (!this.#rows.has(key)) return false;
    const before = this.#rows.get(key) as Row;
    this.#rows.delete(key);
    journal?.record(() => this.#rows.set(key, before));
    return true;
  }
}

/** An append-only list (the audit log): a rolled-back append disappears, nothing else ever does. */
export class AppendLog<Entry> {
  readonly #entries: Entry[] = [];

  get entries(): readonly Entry[] {
    return this.#entries;
  }

  append(entry: Entry, journal: Journal | null): void {
    journal?.assertOpen();
    this.#entries.push(entry);
    journal?.record(() => this.#entries.splice(this.#entries.lastIndexOf(entry), 1));
  }
}

/** The error shapes the services classify (`storage/database-errors.ts`), as PostgreSQL raises them (SQLSTATE). */
export function uniqueViolation(constraint: string): Error {
  return Object.assign(new Error(`Unique constraint failed on ${constraint}`), { code: '23505' });
}

export function foreignKeyViolation(constraint: string): Error {
  return Object.assign(new Error(`Foreign key constraint violated: ${constraint}`), { code: '23503' });
}

export function recordNotFound(what: string): Error {
  return Object.assign(new Error(`No record was found for an update (${what})`), { code: 'P2025' });
}

/** PostgreSQL's text order under the C collation the test database uses: by code point. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Creation order, ties broken by id: the ORDER BY of every paged list. */
export function byCreation(a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || byText(a.id, b.id);
}

export type StoredCardSession = CardSessionRecord & { readonly secretHash: string; readonly cardId: string | null };
export type StoredIdempotencyRecord = IdempotencyRecord & { readonly key: string; readonly expiresAt: Date };
export type StoredPaymentSession = PaymentSessionRecord & { readonly secretHash: string; readonly confirmedAt: Date | null };
/** A row of `invoice_payments`: one per user and invoice, held by its token until it expires, or for good once redeemed. */
export interface StoredInvoicePayment {
  readonly tenantId: string;
  readonly userId: string;
  readonly partnerId: string;
  readonly invoiceId: string;
  readonly sessionId: string;
  readonly tokenId: string;
  readonly tokenExpiresAt: Date;
  readonly redeemedAt: Date | null;
}

/** Every table the vault's repositories touch, in memory. */
/** One holder at a time, in arrival order: what a transaction lock or an advisory lock gives in PostgreSQL. */
export class AsyncMutex {
  #tail: Promise<void> = Promise.resolve();

  lock(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const acquired = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => held);
    return acquired;
  }
}

export class InMemoryDatabase {
  /** Card adds, one at a time (the owner's advisory lock `vault_add_card` takes, for the form and the import alike). */
  readonly cardAdds = new AsyncMutex();
  readonly cards = new Table<CardRecord>();
  readonly billingProfiles = new Table<BillingProfileRecord>();
  readonly cardSessions = new Table<StoredCardSession>();
  readonly processors = new Table<ProcessorRecord>();
  readonly invoicePartners = new Table<PartnerRecord>();
  readonly tenants = new Table<{ readonly id: string; readonly paymentsEnabled: boolean }>();
  readonly tenantGroups = new Table<{ readonly tenantId: string; readonly id: string; readonly paymentsEnabled: boolean }>();
  readonly idempotencyRecords = new Table<StoredIdempotencyRecord>();
  readonly exportRequests = new Table<ExportRequestRecord>();
  readonly paymentSessions = new Table<StoredPaymentSession>();
  /** Keyed by the primary key (tenant, user, partner, invoice): see `invoicePaymentKey`. */
  readonly invoicePayments = new Table<StoredInvoicePayment>();
  /** Keyed by token id. */
  readonly tokenRedemptions = new Table<RecordedRedemption>();
  /** Keyed by scope (`epochKey`). */
  readonly revocationEpochs = new Table<{ readonly scope: string; readonly epoch: number }>();
  readonly auditEvents = new AppendLog<AuditRecord>();
}
