import { randomInt } from 'node:crypto';
import { statement, type Sql } from '../storage/sql.ts';
import { canonicalBody, toRecord, type AuditEventInput } from './audit-event.ts';

/** Appends audit events. Inside a transaction the event commits or rolls back with the change it describes. */
export interface AuditStore {
  append(event: AuditEventInput): Promise<void>;
}

const APPEND = statement(
  'audit_events_append',
  `INSERT INTO "audit_events"
     ("chain", "seq", "occurred_at", "actor_service", "user_id", "tenant_id", "action", "target", "outcome", "request_id", "body", "prev_hash", "hash")
   VALUES ($1, 0, $2::timestamptz, $3, $4, $5, $6, $7, $8, $9, $10, '', '')`,
);

/**
 * Writes to `audit_events`; the table's trigger assigns seq and the hash link under the chain head's row lock.
 * Events are spread over `chains` independent chains (chosen at random) so concurrent writers do not all wait
 * on one lock; `audit:verify` checks every chain.
 */
export class SqlAuditStore implements AuditStore {
  constructor(
    private readonly sql: Sql,
    private readonly chains: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async append(event: AuditEventInput): Promise<void> {
    const r = toRecord(event, randomInt(this.chains), this.now());
    await this.sql.count(APPEND, [r.chain, r.occurredAt, r.actorService, r.userId, r.tenantId, r.action, r.target, r.outcome, r.requestId, canonicalBody(r)]);
  }
}
