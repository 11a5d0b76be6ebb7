import { billingAddressSchema, billingProfilePatchSchema } from '../billing-profiles/billing-profile-input.ts';
import { createCardSessionSchema } from '../card-sessions/card-session-service.ts';
import { listCardsQuerySchema, patchCardSchema } from '../cards/card-input.ts';
import { operationTable, type OperationDefinition } from '../operations/operation.ts';
import { switchSchema } from '../payment-policy/payment-settings-service.ts';
import { issueTokenSchema, redeemTokenSchema } from '../payment-tokens/payment-token-input.ts';
import { exportRequestSchema } from '../portability/export-requests.ts';
import { putProcessorSchema } from '../processors/processor-service.ts';
import { putPartnerSchema } from '../partners/partner-service.ts';
import { createPaymentSessionSchema } from '../payment-sessions/payment-session-input.ts';
import type { VaultServices } from './vault-services.ts';

/** A list's elements as the HTTP and gRPC answers carry them. */
const listOf = async <T>(items: Promise<T[]>) => ({ data: await items });

/**
 * Every operation of the internal API, each defined once: its policy (scope, user, idempotency, audits), its
 * HTTP binding, its gRPC method, its input schema and the service call both transports make. The express routes
 * (http/operation-routes.ts), the gRPC handlers (grpc/operation-handlers.ts) and the OpenAPI document
 * (operations/openapi.ts) are built from this table and add nothing to it; a refusal at admission is audited as
 * `request.denied` with the operation's name. Adding an operation: an entry here, a service method, the proto
 * messages and rpc, tests (test/unit/operations.test.ts fails for an entry whose gRPC method the proto lacks).
 */
const TABLE = {
  'card_sessions.create': {
    scope: 'card-sessions:create', user: true, idempotency: { store: 'database', life: 'card-session' }, audits: ['card_session.create'],
    summary: 'Create a card-entry session: a single-use secret for the hosted card form.',
    http: { method: 'post', path: '/v1/card-sessions', status: 201 }, grpc: { method: 'CreateCardSession' }, schema: createCardSessionSchema,
    run: (s, call) => s.cardSessions.create(call.actor(), call.input, call.writeOutcome()),
  },
  'cards.list': {
    scope: 'cards:read', user: true, idempotency: 'never', audits: ['card.list'],
    summary: "The user's cards, masked, a page at a time.",
    http: { method: 'get', path: '/v1/cards', status: 200, input: 'query' }, schema: listCardsQuerySchema,
    grpc: { method: 'ListCards', toInput: ({ limit, ...rest }) => ({ ...rest, ...(limit !== undefined ? { limit: String(limit) } : {}) }) },
    run: (s, call) => s.cards.list(call.actor(), call.input),
  },
  'cards.get': {
    scope: 'cards:read', user: true, idempotency: 'never', audits: ['card.read'],
    summary: 'One card, masked.',
    http: { method: 'get', path: '/v1/cards/:id', status: 200 }, grpc: { method: 'GetCard' },
    run: (s, call) => s.cards.get(call.actor(), call.params['id']!),
  },
  'cards.update': {
    scope: 'cards:write', user: true, idempotency: 'never', audits: ['card.update'],
    summary: "Change a card's expiry, holder name or billing profile.",
    http: { method: 'patch', path: '/v1/cards/:id', status: 200 }, grpc: { method: 'UpdateCard', nullable: ['billingProfileId'] }, schema: patchCardSchema,
    run: (s, call) => s.cards.patch(call.actor(), call.params['id']!, call.input),
  },
  'cards.delete': {
    scope: 'cards:write', user: true, idempotency: 'never', audits: ['card.delete'],
    summary: "Delete a card (its outstanding payment tokens are revoked).",
    http: { method: 'delete', path: '/v1/cards/:id', status: 204 }, grpc: { method: 'DeleteCard' },
    run: (s, call) => s.cards.delete(call.actor(), call.params['id']!),
  },
  'billing_profiles.create': {
    scope: 'billing-profiles:write', user: true, idempotency: { store: 'database', life: 'day' }, audits: ['billing_profile.create'],
    summary: 'Store a billing address, encrypted.',
    http: { method: 'post', path: '/v1/billing-profiles', status: 201 }, grpc: { method: 'CreateBillingProfile', toInput: ({ address }) => address as Record<string, unknown> }, schema: billingAddressSchema,
    run: (s, call) => s.billingProfiles.create(call.actor(), call.input, call.writeOutcome()),
  },
  'billing_profiles.list': {
    scope: 'billing-profiles:read', user: true, idempotency: 'never', audits: ['billing_profile.list'],
    summary: "The user's billing addresses.",
    http: { method: 'get', path: '/v1/billing-profiles', status: 200 }, grpc: { method: 'ListBillingProfiles' },
    run: (s, call) => listOf(s.billingProfiles.list(call.actor())),
  },
  'billing_profiles.get': {
    scope: 'billing-profiles:read', user: true, idempotency: 'never', audits: ['billing_profile.read'],
    summary: 'One billing address.',
    http: { method: 'get', path: '/v1/billing-profiles/:id', status: 200 }, grpc: { method: 'GetBillingProfile' },
    run: (s, call) => s.billingProfiles.get(call.actor(), call.params['id']!),
  },
  'billing_profiles.update': {
    scope: 'billing-profiles:write', user: true, idempotency: 'never', audits: ['billing_profile.update'],
    summary: 'Change fields of a billing address (null removes an optional one).',
    http: { method: 'patch', path: '/v1/billing-profiles/:id', status: 200 }, grpc: { method: 'UpdateBillingProfile', nullable: ['line2', 'region', 'email', 'phone'] }, schema: billingProfilePatchSchema,
    run: (s, call) => s.billingProfiles.patch(call.actor(), call.params['id']!, call.input),
  },
  'billing_profiles.delete': {
    scope: 'billing-profiles:write', user: true, idempotency: 'never', audits: ['billing_profile.delete'],
    summary: 'Delete a billing address no card uses.',
    http: { method: 'delete', path: '/v1/billing-profiles/:id', status: 204 }, grpc: { method: 'DeleteBillingProfile' },
    run: (s, call) => s.billingProfiles.delete(call.actor(), call.params['id']!),
  },
  'payment_tokens.issue': {
    scope: 'payment-tokens:issue', user: true, idempotency: { store: 'redis', life: 'payment-token' }, audits: ['payment_token.issue', 'card.decrypt', 'billing_profile.decrypt'],
    summary: 'Issue a single-use payment token for one card, processor and invoice, with the re-entered security code: only for callers named in VAULT_DIRECT_CVC_CALLERS (else 403 direct_cvc_not_allowed), and never with an unsigned invoice in production (422 invoice_unsigned); others open a payment session.',
    http: { method: 'post', path: '/v1/payment-tokens', status: 201 }, grpc: { method: 'IssuePaymentToken' }, schema: issueTokenSchema,
    run: (s, call) => s.paymentTokens.issue(call.actor(), call.input),
  },
  'payment_tokens.redeem': {
    scope: 'payment-tokens:redeem', user: false, idempotency: 'never', audits: ['payment_token.redeem'],
    summary: "Redeem a payment token (the processor it was issued to): the card, encrypted to the processor's key, released once (recorded in PostgreSQL). With a redemptionId of the processor's own, a repeat within VAULT_REDEEM_RETRY_SECONDS gets the same JWE while nothing revoked the token.",
    http: { method: 'post', path: '/v1/payment-tokens/redeem', status: 200 }, grpc: { method: 'RedeemPaymentToken' }, schema: redeemTokenSchema,
    // A processor that hung up gets nothing; its token is put back for its retry.
    run: (s, call) => s.paymentTokens.redeem(call.service, call.input, call.stillWanted),
  },
  'payment_sessions.create': {
    scope: 'payment-sessions:create', user: true, idempotency: { store: 'database', life: 'payment-session' },
    audits: ['payment_session.create'],
    summary: 'Open a payment session for one card, processor and partner-signed invoice: every check that needs no security code, then a single-use secret for the pay form.',
    http: { method: 'post', path: '/v1/payment-sessions', status: 201 }, grpc: { method: 'CreatePaymentSession' }, schema: createPaymentSessionSchema,
    run: (s, call) => s.paymentSessions.create(call.actor(), call.input, call.writeOutcome()),
  },
  'payment_sessions.get': {
    scope: 'payment-sessions:read', user: true, idempotency: 'never', audits: ['payment_session.read'],
    summary: "A payment session's state: open, confirmed (with the payment token while it lives), failed (with its code) or expired.",
    http: { method: 'get', path: '/v1/payment-sessions/:id', status: 200 }, grpc: { method: 'GetPaymentSession' },
    run: (s, call) => s.paymentSessions.get(call.actor(), call.params['id']!),
  },
  'payment_settings.set_tenant': {
    scope: 'payment-settings:write', user: false, idempotency: 'never', audits: ['payments.enable', 'payments.disable'],
    summary: "Switch payments on or off for a whole tenant (wins over its groups').",
    http: { method: 'put', path: '/v1/tenants/:tenantId/payment-settings', status: 200 }, grpc: { method: 'SetTenantPaymentSettings' }, schema: switchSchema,
    run: (s, call) => s.paymentSettings.setTenant(call.service, call.params['tenantId']!, call.input),
  },
  'payment_settings.set_group': {
    scope: 'payment-settings:write', user: false, idempotency: 'never', audits: ['payments.enable', 'payments.disable'],
    summary: 'Switch payments on or off for one group of a tenant.',
    http: { method: 'put', path: '/v1/tenants/:tenantId/groups/:groupId/payment-settings', status: 200 }, grpc: { method: 'SetGroupPaymentSettings' }, schema: switchSchema,
    run: (s, call) => s.paymentSettings.setGroup(call.service, call.params['tenantId']!, call.params['groupId']!, call.input),
  },
  'payment_settings.get': {
    scope: 'payment-settings:read', user: false, idempotency: 'never', audits: ['payment_settings.read'],
    summary: "A group's effective payment setting, with its tenant's and its own.",
    http: { method: 'get', path: '/v1/tenants/:tenantId/groups/:groupId/payment-settings', status: 200 }, grpc: { method: 'GetPaymentSettings' },
    run: (s, call) => s.paymentSettings.effective(call.service, call.params['tenantId']!, call.params['groupId']!),
  },
  'processors.put': {
    scope: 'processors:admin', user: false, idempotency: 'never', audits: ['processor.register', 'processor.update'],
    summary: 'Register or update a payment processor and its public encryption keys (JWKS).',
    http: { method: 'put', path: '/v1/processors/:id', status: 200 }, grpc: { method: 'PutProcessor' }, schema: putProcessorSchema,
    run: (s, call) => s.processors.put(call.service, call.params['id']!, call.input),
  },
  'processors.list': {
    scope: 'processors:admin', user: false, idempotency: 'never', audits: ['processor.list'],
    summary: 'The registered processors.',
    http: { method: 'get', path: '/v1/processors', status: 200 }, grpc: { method: 'ListProcessors' },
    run: (s, call) => listOf(s.processors.list(call.service)),
  },
  'partners.put': {
    scope: 'partners:admin', user: false, idempotency: 'never', audits: ['partner.register', 'partner.update'],
    summary: 'Register or update an invoice partner and the public signature keys (JWKS) its invoices are verified with.',
    http: { method: 'put', path: '/v1/partners/:id', status: 200 }, grpc: { method: 'PutPartner' }, schema: putPartnerSchema,
    run: (s, call) => s.partners.put(call.service, call.params['id']!, call.input),
  },
  'partners.list': {
    scope: 'partners:admin', user: false, idempotency: 'never', audits: ['partner.list'],
    summary: 'The registered invoice partners.',
    http: { method: 'get', path: '/v1/partners', status: 200 }, grpc: { method: 'ListPartners' },
    run: (s, call) => listOf(s.partners.list(call.service)),
  },
  // Idempotent by nature: a repeat removes nothing more and revokes again.
  'users.erase': {
    scope: 'users:erase', user: false, idempotency: 'never', audits: ['user.erase'],
    summary: "Erase one user's data (cards, billing profiles, sessions) and revoke their tokens.",
    http: { method: 'delete', path: '/v1/tenants/:tenantId/users/:userId', status: 200 }, grpc: { method: 'EraseUserData' },
    run: (s, call) => s.userErasure.erase(call.service, call.params['tenantId']!, call.params['userId']!),
  },
  // Card exports under dual control act for a person (the admin's user assertion): the two-person rule compares them.
  'exports.request': {
    scope: 'exports:admin', user: true, idempotency: 'never', audits: ['export.request'],
    summary: 'Request a card export to a recipient key; a second admin must approve it.',
    http: { method: 'post', path: '/v1/exports', status: 201 }, grpc: { method: 'RequestCardExport' }, schema: exportRequestSchema,
    run: (s, call) => s.exportRequests.request(call.actor(), call.input),
  },
  'exports.get': {
    scope: 'exports:admin', user: true, idempotency: 'never', audits: ['export.read'],
    summary: 'One card export request and its state.',
    http: { method: 'get', path: '/v1/exports/:id', status: 200 }, grpc: { method: 'GetCardExport' },
    run: (s, call) => s.exportRequests.get(call.actor(), call.params['id']!),
  },
  'exports.approve': {
    scope: 'exports:admin', user: true, idempotency: 'never', audits: ['export.approve'],
    summary: 'Approve a card export request (another admin than the requester).',
    http: { method: 'post', path: '/v1/exports/:id/approve', status: 200 }, grpc: { method: 'ApproveCardExport' },
    run: (s, call) => s.exportRequests.decide(call.actor(), call.params['id']!, 'approve'),
  },
  'exports.refuse': {
    scope: 'exports:admin', user: true, idempotency: 'never', audits: ['export.refuse'],
    summary: 'Refuse a card export request.',
    http: { method: 'post', path: '/v1/exports/:id/refuse', status: 200 }, grpc: { method: 'RefuseCardExport' },
    run: (s, call) => s.exportRequests.decide(call.actor(), call.params['id']!, 'refuse'),
  },
} as const satisfies Record<string, Omit<OperationDefinition<VaultServices>, 'name'>>;

export const OPERATIONS = operationTable<VaultServices, typeof TABLE>(TABLE);

export type OperationName = keyof typeof TABLE;
