import { toRecord, type AuditEventInput, type AuditRecord } from '../../../services/vault/src/audit/audit-event.ts';
import type { AuditStore } from '../../../services/vault/src/audit/audit-store.ts';
import type { Binding } from './in-memory-tables.ts';

/**
 * The audit log in memory: each event kept as the record PostgreSQL would hold in its body (one chain, no
 * hashes), so a test asserts the events a call wrote. Inside a transaction an event rolls back with it.
 */
export class InMemoryAuditStore implements AuditStore {
  constructor(private readonly b: Binding) {}

  async append(event: AuditEventInput): Promise<void> {
    this.b.db.auditEvents.append(toRecord(event, 0, this.b.now()), this.b.journal);
  }

  async appendAll(events: readonly AuditEventInput[]): Promise<void> {
    for (const event of events) await this.append(event);
  }
}

/** The events of one request, in the order they were written. */
export function auditEventsOf(events: readonly AuditRecord[], requestId: string): AuditRecord[] {
  return events.filter((e) => e.requestId === requestId);
}
