import { randomInt } from 'node:crypto';
import type { Prisma } from '../storage/database.ts';
import { canonicalBody, toRecord, type AuditEventInput } from './audit-event.ts';

/** Appends audit events. Inside a transaction the event commits or rolls back with the change it describes. */
export interface AuditStore {
  append(event: AuditEventInput): Promise<void>;
}

type Executor = Pick<Prisma, '$executeRaw'>;

/**
 * Writes to `audit_events`; the table's trigger assigns seq and the hash link under the chain head's row lock.
 * Events are spread over `chains` independent chains (chosen at random) so concurrent writers do not all wait
 * on one lock; `audit:verify` checks every chain.
 */
export class PrismaAuditStore implements AuditStore {
  constructor(
    private readonly db: Executor,
    private readonly chains: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async append(event: AuditEventInput): Promise<void> {
    const record = toRecord(event, randomInt(this.chains), this.now());
    await this.db.$executeRaw`
      INSERT INTO "audit_events"
        ("chain", "seq", "occurred_at", "actor_service", "user_id", "tenant_id", "action", "target", "outcome",
         "request_id", "body", "prev_hash", "hash")
      VALUES
        (${record.chain}, 0, ${record.occurredAt}::timestamptz, ${record.actorService}, ${record.userId},
         ${record.tenantId}, ${record.action}, ${record.target}, ${record.outcome}, ${record.requestId},
         ${canonicalBody(record)}, '', '')`;
  }
}
