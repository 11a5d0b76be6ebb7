import { randomInt } from 'node:crypto';
import { statement, type Companion, type Sql, type Statement } from '../storage/sql.ts';
import { canonicalBody, toRecord, type AuditEventInput, type AuditRecord } from './audit-event.ts';

/** Appends audit events. Inside a transaction the event commits or rolls back with the change it describes. */
export interface AuditStore {
  append(event: AuditEventInput): Promise<void>;
  /** Several events in one write: all or none. */
  appendAll(events: readonly AuditEventInput[]): Promise<void>;
}

const COLUMNS = 10;
const appends = new Map<number, Statement>();

/** INSERT of `n` events (each row's seq and hashes are the trigger's). */
function appendStatement(n: number): Statement {
  let found = appends.get(n);
  if (!found) {
    const p = (row: number, col: number) => `$${row * COLUMNS + col}`;
    const rows = Array.from({ length: n }, (_, r) => `(${p(r, 1)}::int, 0, ${p(r, 2)}::timestamptz, ${[3, 4, 5, 6, 7, 8, 9, 10].map((c) => p(r, c)).join(', ')}, '', '')`);
    found = statement(
      `audit_events_append_${n}`,
      `INSERT INTO "audit_events"
         ("chain", "seq", "occurred_at", "actor_service", "user_id", "tenant_id", "action", "target", "outcome", "request_id", "body", "prev_hash", "hash")
       VALUES ${rows.join(', ')}`,
    );
    appends.set(n, found);
  }
  return found;
}

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

  append(event: AuditEventInput): Promise<void> {
    return this.appendAll([event]);
  }

  async appendAll(events: readonly AuditEventInput[]): Promise<void> {
    if (events.length === 0) return;
    const { statement: insert, values } = this.rows(events);
    await this.sql.count(insert, values);
  }

  /** An event as the chain will hold it: a chain chosen at random, the time now. */
  record(event: AuditEventInput): AuditRecord {
    return toRecord(event, randomInt(this.chains), this.now());
  }

  /** The INSERT of `events`, to run on its own or to ride ahead of another statement (`carrying`). */
  rows(events: readonly AuditEventInput[]): Companion {
    // One chain for all of them: a statement that locked two chain heads in random order could deadlock another.
    const chain = randomInt(this.chains);
    const now = this.now();
    const values = events.flatMap((event) => {
      const r = toRecord(event, chain, now);
      return [r.chain, r.occurredAt, r.actorService, r.userId, r.tenantId, r.action, r.target, r.outcome, r.requestId, canonicalBody(r)];
    });
    return { statement: appendStatement(events.length), values };
  }
}
