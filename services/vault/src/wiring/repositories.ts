import type pg from 'pg';
import type { AuditEventInput } from '../audit/audit-event.ts';
import { SqlAuditStore, type AuditStore } from '../audit/audit-store.ts';
import { SqlBillingProfileRepository, type BillingProfileRepository } from '../billing-profiles/billing-profile-repository.ts';
import { SqlCardSessionRepository, type CardSessionRepository } from '../card-sessions/card-session-repository.ts';
import { SqlCardRepository, type CardRepository } from '../cards/card-repository.ts';
import { SqlPaymentSettingsRepository, type PaymentSettingsRepository } from '../payment-policy/payment-settings-repository.ts';
import { SqlProcessorRepository, type ProcessorRepository } from '../processors/processor-repository.ts';
import { SqlPartnerRepository, type PartnerRepository } from '../partners/partner-repository.ts';
import { SqlIdempotencyRecordRepository, type IdempotencyRecordRepository } from '../idempotency/idempotency-record-repository.ts';
import { SqlIssueContextRepository, type IssueContextRepository } from '../payment-tokens/issue-context-repository.ts';
import { SqlUserDataRepository, type UserDataRepository } from '../users/user-data-repository.ts';
import { SqlExportRequestRepository, type ExportRequestRepository } from '../portability/export-request-repository.ts';
import { SqlPaymentSessionRepository, type PaymentSessionRepository } from '../payment-sessions/payment-session-repository.ts';
import { SqlInvoicePaymentRepository, type InvoicePaymentRepository } from '../payment-sessions/invoice-payment-repository.ts';
import { SqlTokenRedemptionRepository, type TokenRedemptionRepository } from '../payment-tokens/token-redemption-repository.ts';
import { SqlRevocationEpochRepository, type RevocationEpochRepository } from '../payment-policy/revocation-epochs.ts';
import { sqlOn, type Sql } from '../storage/sql.ts';
import { sqlUnitOfWork, type UnitOfWork } from '../storage/unit-of-work.ts';

/** Every repository of the vault, bound to one database handle (the pool, or one transaction). */
export interface Repositories {
  readonly cards: CardRepository;
  readonly billingProfiles: BillingProfileRepository;
  readonly cardSessions: CardSessionRepository;
  readonly processors: ProcessorRepository;
  readonly partners: PartnerRepository;
  readonly paymentSettings: PaymentSettingsRepository;
  readonly audit: AuditStore;
  readonly idempotency: IdempotencyRecordRepository;
  readonly issueContext: IssueContextRepository;
  readonly userData: UserDataRepository;
  readonly exportRequests: ExportRequestRepository;
  readonly paymentSessions: PaymentSessionRepository;
  readonly invoicePayments: InvoicePaymentRepository;
  readonly tokenRedemptions: TokenRedemptionRepository;
  readonly revocationEpochs: RevocationEpochRepository;
}

/** The one unit of work over every repository: each domain service gets it as its own `AuditedUnitOfWork<…>`. */
export type VaultUnitOfWork = UnitOfWork<Repositories, AuditEventInput>;

export function vaultUnitOfWork(pool: pg.Pool, auditChains: number): VaultUnitOfWork {
  const audit = new SqlAuditStore(sqlOn(pool), auditChains);
  return sqlUnitOfWork(pool, (sql: Sql) => ({
    cards: new SqlCardRepository(sql, (event) => audit.record(event)),
    billingProfiles: new SqlBillingProfileRepository(sql),
    cardSessions: new SqlCardSessionRepository(sql),
    processors: new SqlProcessorRepository(sql),
    partners: new SqlPartnerRepository(sql),
    paymentSettings: new SqlPaymentSettingsRepository(sql),
    audit: new SqlAuditStore(sql, auditChains),
    idempotency: new SqlIdempotencyRecordRepository(sql),
    issueContext: new SqlIssueContextRepository(sql),
    userData: new SqlUserDataRepository(sql),
    exportRequests: new SqlExportRequestRepository(sql),
    paymentSessions: new SqlPaymentSessionRepository(sql),
    invoicePayments: new SqlInvoicePaymentRepository(sql),
    tokenRedemptions: new SqlTokenRedemptionRepository(sql),
    revocationEpochs: new SqlRevocationEpochRepository(sql),
  }), (events) => audit.rows(events));
}
