import type { Repositories, VaultUnitOfWork } from '../../../services/vault/src/wiring/repositories.ts';
import type { AuditEventInput } from '../../../services/vault/src/audit/audit-event.ts';
import type { TransactionOutcome } from '../../../services/vault/src/storage/unit-of-work.ts';
import { InMemoryAuditStore } from './in-memory-audit-store.ts';
import { InMemoryBillingProfileRepository } from './in-memory-billing-profile-repository.ts';
import { InMemoryCardRepository } from './in-memory-card-repository.ts';
import { InMemoryCardSessionRepository } from './in-memory-card-session-repository.ts';
import { InMemoryExportRequestRepository } from './in-memory-export-request-repository.ts';
import { InMemoryIdempotencyRecordRepository } from './in-memory-idempotency-record-repository.ts';
import { InMemoryInvoicePaymentRepository } from './in-memory-invoice-payment-repository.ts';
import { InMemoryIssueContextRepository } from './in-memory-issue-context-repository.ts';
import { InMemoryPaymentSessionRepository } from './in-memory-payment-session-repository.ts';
import { InMemoryPaymentSettingsRepository } from './in-memory-payment-settings-repository.ts';
import { InMemoryProcessorRepository } from './in-memory-processor-repository.ts';
import { InMemoryPartnerRepository } from './in-memory-partner-repository.ts';
import { AsyncMutex, InMemoryDatabase, Journal, type Binding } from './in-memory-tables.ts';
import { InMemoryUserDataRepository } from './in-memory-user-data-repository.ts';
import { InMemoryTokenRedemptionRepository } from './in-memory-token-redemption-repository.ts';
import { InMemoryRevocationEpochRepository } from './in-memory-revocation-epochs.ts';

/** Every in-memory repository, bound to one journal (a transaction) or to none (autocommit). */
export function inMemoryRepositories(binding: Binding): Repositories {
  return {
    cards: new InMemoryCardRepository(binding),
    billingProfiles: new InMemoryBillingProfileRepository(binding),
    cardSessions: new InMemoryCardSessionRepository(binding),
    processors: new InMemoryProcessorRepository(binding),
    partners: new InMemoryPartnerRepository(binding),
    paymentSettings: new InMemoryPaymentSettingsRepository(binding),
    audit: new InMemoryAuditStore(binding),
    idempotency: new InMemoryIdempotencyRecordRepository(binding),
    issueContext: new InMemoryIssueContextRepository(binding),
    userData: new InMemoryUserDataRepository(binding),
    exportRequests: new InMemoryExportRequestRepository(binding),
    paymentSessions: new InMemoryPaymentSessionRepository(binding),
    invoicePayments: new InMemoryInvoicePaymentRepository(binding),
    tokenRedemptions: new InMemoryTokenRedemptionRepository(binding),
    revocationEpochs: new InMemoryRevocationEpochRepository(binding),
  };
}

/**
 * The vault's unit of work over in-memory tables. `transaction` is all or nothing: its writes (audit events
 * included) are journaled and undone if `fn` or the outcome throws; transactions run one after another, so a
 * per-owner cap checked under `lockOwner` holds under concurrency as it does with PostgreSQL's advisory lock.
 * Unlike PostgreSQL: a transaction's uncommitted writes are visible to `repos` while it runs; a transaction
 * started inside another waits for it forever (PostgreSQL would run it beside, on another connection); and an
 * audit event appended through `repos` while an open transaction has appended one never waits (in PostgreSQL
 * it may pick the chain whose head row that transaction holds, and wait for it). No service relies on any of
 * these.
 */
export class InMemoryUnitOfWork implements VaultUnitOfWork {
  readonly repos: Repositories;
  /** One transaction at a time: what the advisory locks (`lockOwner`) and the idempotency key's row lock give in PostgreSQL. */
  readonly #mutex = new AsyncMutex();

  constructor(
    readonly db: InMemoryDatabase,
    private readonly now: () => Date,
  ) {
    this.repos = inMemoryRepositories({ db, journal: null, now });
  }

  async audited<T>(events: readonly AuditEventInput[], fn: (repos: Repositories) => Promise<T>): Promise<T> {
    const result = await fn(this.repos);
    await this.repos.audit.appendAll(events);
    return result;
  }

  async transaction<T>(fn: (repos: Repositories) => Promise<T>, outcome?: TransactionOutcome<Repositories, T>): Promise<T> {
    const release = await this.#mutex.lock();
    const journal = new Journal();
    const repos = inMemoryRepositories({ db: this.db, journal, now: this.now });
    try {
      await outcome?.reserve(repos);
      const result = await fn(repos);
      await outcome?.record(repos, result);
      journal.commit();
      return result;
    } catch (err) {
      journal.rollback();
      throw err;
    } finally {
      release();
    }
  }
}
