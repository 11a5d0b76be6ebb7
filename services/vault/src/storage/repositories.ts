import { PrismaAuditStore, type AuditStore } from '../audit/audit-store.ts';
import { PrismaBillingProfileRepository, type BillingProfileRepository } from '../billing-profiles/billing-profile-repository.ts';
import { PrismaCardSessionRepository, type CardSessionRepository } from '../card-sessions/card-session-repository.ts';
import { PrismaCardRepository, type CardRepository } from '../cards/card-repository.ts';
import { PrismaPaymentSettingsRepository, type PaymentSettingsRepository } from '../payment-policy/payment-settings-repository.ts';
import { PrismaProcessorRepository, type ProcessorRepository } from '../processors/processor-repository.ts';
import type { Prisma } from './database.ts';
import { PrismaIdempotencyRecordRepository, type IdempotencyRecordRepository } from '../idempotency/idempotency-record-repository.ts';
import { prismaUnitOfWork, type PrismaExecutor, type UnitOfWork } from './unit-of-work.ts';

/** Every repository of the vault, bound to one database handle (the client, or one transaction). */
export interface Repositories {
  readonly cards: CardRepository;
  readonly billingProfiles: BillingProfileRepository;
  readonly cardSessions: CardSessionRepository;
  readonly processors: ProcessorRepository;
  readonly paymentSettings: PaymentSettingsRepository;
  readonly audit: AuditStore;
  readonly idempotency: IdempotencyRecordRepository;
}

export type VaultUnitOfWork = UnitOfWork<Repositories>;

export function vaultUnitOfWork(prisma: Prisma, auditChains: number): VaultUnitOfWork {
  return prismaUnitOfWork(prisma, (db: PrismaExecutor) => ({
    cards: new PrismaCardRepository(db),
    billingProfiles: new PrismaBillingProfileRepository(db),
    cardSessions: new PrismaCardSessionRepository(db),
    processors: new PrismaProcessorRepository(db),
    paymentSettings: new PrismaPaymentSettingsRepository(db),
    audit: new PrismaAuditStore(db, auditChains),
    idempotency: new PrismaIdempotencyRecordRepository(db),
  }));
}
