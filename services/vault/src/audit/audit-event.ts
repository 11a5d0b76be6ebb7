/** One entry of the audit log: who did what to which record, with what outcome. Never card data. */
export type AuditOutcome = 'success' | 'denied' | 'failed';

export interface AuditEventInput {
  readonly action: string;
  readonly outcome: AuditOutcome;
  /** The calling service (`account-settings`, `processor/xero-payments`, `card-form` for the public listener). */
  readonly actorService: string;
  readonly requestId: string;
  readonly tenantId?: string | null;
  readonly userId?: string | null;
  /** The record acted on (`card_…`, `bp_…`, a route for a denied request). */
  readonly target?: string | null;
  /** A stable reason code for denials and failures (`card_not_found`, `forbidden`, `decryption_failed`). */
  readonly reason?: string | null;
}

export interface AuditRecord {
  readonly v: 1;
  readonly chain: number;
  readonly occurredAt: string;
  readonly actorService: string;
  readonly userId: string | null;
  readonly tenantId: string | null;
  readonly action: string;
  readonly target: string | null;
  readonly outcome: AuditOutcome;
  readonly requestId: string;
  readonly reason: string | null;
}

/** The canonical JSON that is hashed into the chain: fixed key order, no whitespace. */
export function canonicalBody(record: AuditRecord): string {
  return JSON.stringify({
    v: record.v,
    chain: record.chain,
    occurredAt: record.occurredAt,
    actorService: record.actorService,
    userId: record.userId,
    tenantId: record.tenantId,
    action: record.action,
    target: record.target,
    outcome: record.outcome,
    requestId: record.requestId,
    reason: record.reason,
  });
}

export function toRecord(event: AuditEventInput, chain: number, occurredAt: Date): AuditRecord {
  return {
    v: 1,
    chain,
    occurredAt: occurredAt.toISOString(),
    actorService: event.actorService,
    userId: event.userId ?? null,
    tenantId: event.tenantId ?? null,
    action: event.action,
    target: event.target ?? null,
    outcome: event.outcome,
    requestId: event.requestId,
    reason: event.reason ?? null,
  };
}

/** An event for an actor's request: who, for which user and tenant, on what. */
export function actorEvent(
  actor: { readonly service: string; readonly requestId: string; readonly user: { readonly tenantId: string; readonly userId: string } },
  action: string,
  target: string | null,
  outcome: AuditOutcome = 'success',
): AuditEventInput {
  return {
    action,
    outcome,
    actorService: actor.service,
    requestId: actor.requestId,
    tenantId: actor.user.tenantId,
    userId: actor.user.userId,
    target,
  };
}

/** An event for a service acting on its own behalf (admin tooling, a processor). */
export function serviceEvent(
  actor: { readonly service: string; readonly requestId: string },
  action: string,
  target: string | null,
  outcome: AuditOutcome = 'success',
  scope: { readonly tenantId?: string | null; readonly userId?: string | null } = {},
): AuditEventInput {
  return { action, outcome, actorService: actor.service, requestId: actor.requestId, target, ...scope };
}
