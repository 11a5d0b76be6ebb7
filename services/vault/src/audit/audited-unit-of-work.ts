import type { UnitOfWork } from '../storage/unit-of-work.ts';
import type { AuditEventInput } from './audit-event.ts';
import type { AuditStore } from './audit-store.ts';

/**
 * The unit of work a domain service runs on: its own repositories `R` plus the audit store, and audit events
 * written with a change (`audited`) or inside a transaction (`repos.audit`). Each service names the repositories
 * it needs; the wiring layer hands every service the same one unit of work over all repositories.
 */
export type AuditedUnitOfWork<R> = UnitOfWork<R & { readonly audit: AuditStore }, AuditEventInput>;
