import type { Scope } from '../identity/scopes.ts';

/** How long a remembered outcome lives: a card-entry session's life, a payment token's, or a day. */
export type OutcomeLife = 'card-session' | 'payment-token' | 'day';

/**
 * How a repeat with the same idempotency key is answered: from a record kept in `database` (committed with the
 * operation's PostgreSQL write) or in `redis` (for an operation that writes only to Redis), or `never` (reads,
 * updates that are idempotent by nature, and redeem — single use, and its answer holds card data).
 */
export type OperationIdempotency = 'never' | { readonly store: 'database' | 'redis'; readonly life: OutcomeLife };

/** One operation of the vault's internal API, whichever transport carries it. */
export interface OperationPolicy {
  /** Stable name: audit target of a refused call, log and metric label, the gRPC method's key. */
  readonly name: OperationName;
  /** The one scope a calling service needs. */
  readonly scope: Scope;
  /** Whether the call acts for a user (a verified user assertion bound to the calling service). */
  readonly user: boolean;
  readonly idempotency: OperationIdempotency;
  /** The audit actions the operation's service writes when it runs (success and its own refusals). */
  readonly audits: readonly string[];
}

/**
 * The policy of every operation of the internal API, in one table that the transports (HTTP, gRPC) read: which
 * scope it needs, whether it acts for a user, how repeats are answered, what it audits. A transport binds its
 * routes or methods to these entries and adds nothing to them; a refusal at admission is audited as
 * `request.denied` with the operation's name.
 */
const TABLE = {
  'card_sessions.create': { scope: 'card-sessions:create', user: true, idempotency: { store: 'database', life: 'card-session' }, audits: ['card_session.create'] },
  'cards.list': { scope: 'cards:read', user: true, idempotency: 'never', audits: ['card.list'] },
  'cards.get': { scope: 'cards:read', user: true, idempotency: 'never', audits: ['card.read'] },
  'cards.update': { scope: 'cards:write', user: true, idempotency: 'never', audits: ['card.update'] },
  'cards.delete': { scope: 'cards:write', user: true, idempotency: 'never', audits: ['card.delete'] },
  'billing_profiles.create': { scope: 'billing-profiles:write', user: true, idempotency: { store: 'database', life: 'day' }, audits: ['billing_profile.create'] },
  'billing_profiles.list': { scope: 'billing-profiles:read', user: true, idempotency: 'never', audits: ['billing_profile.list'] },
  'billing_profiles.get': { scope: 'billing-profiles:read', user: true, idempotency: 'never', audits: ['billing_profile.read'] },
  'billing_profiles.update': { scope: 'billing-profiles:write', user: true, idempotency: 'never', audits: ['billing_profile.update'] },
  'billing_profiles.delete': { scope: 'billing-profiles:write', user: true, idempotency: 'never', audits: ['billing_profile.delete'] },
  'payment_tokens.issue': { scope: 'payment-tokens:issue', user: true, idempotency: { store: 'redis', life: 'payment-token' }, audits: ['payment_token.issue', 'card.decrypt', 'billing_profile.decrypt'] },
  'payment_tokens.redeem': { scope: 'payment-tokens:redeem', user: false, idempotency: 'never', audits: ['payment_token.redeem'] },
  'payment_settings.set_tenant': { scope: 'payment-settings:write', user: false, idempotency: 'never', audits: ['payments.enable', 'payments.disable'] },
  'payment_settings.set_group': { scope: 'payment-settings:write', user: false, idempotency: 'never', audits: ['payments.enable', 'payments.disable'] },
  'payment_settings.get': { scope: 'payment-settings:read', user: false, idempotency: 'never', audits: ['payment_settings.read'] },
  'processors.put': { scope: 'processors:admin', user: false, idempotency: 'never', audits: ['processor.register', 'processor.update'] },
  'processors.list': { scope: 'processors:admin', user: false, idempotency: 'never', audits: ['processor.list'] },
  // Idempotent by nature: a repeat removes nothing more and revokes again.
  'users.erase': { scope: 'users:erase', user: false, idempotency: 'never', audits: ['user.erase'] },
  // Card exports under dual control act for a person (the admin's user assertion): the two-person rule compares them.
  'exports.request': { scope: 'exports:admin', user: true, idempotency: 'never', audits: ['export.request'] },
  'exports.get': { scope: 'exports:admin', user: true, idempotency: 'never', audits: ['export.read'] },
  'exports.approve': { scope: 'exports:admin', user: true, idempotency: 'never', audits: ['export.approve'] },
  'exports.refuse': { scope: 'exports:admin', user: true, idempotency: 'never', audits: ['export.refuse'] },
} as const satisfies Record<string, Omit<OperationPolicy, 'name'>>;

export type OperationName = keyof typeof TABLE;

/** Each entry of the table with its own name in it (a transport passes the entry; the name travels with it). */
export const OPERATIONS: { readonly [K in OperationName]: OperationPolicy & { readonly name: K } } = Object.freeze(
  Object.fromEntries(Object.entries(TABLE).map(([name, policy]) => [name, Object.freeze({ name, ...policy })])),
) as never;
