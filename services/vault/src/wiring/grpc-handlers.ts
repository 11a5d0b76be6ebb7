import type { VaultServices } from './vault-services.ts';
import { OPERATIONS } from '../operations/operation-table.ts';
import type { Card } from '../grpc/generated/vault/v1/Card.ts';
import type { ListCardsResponse } from '../grpc/generated/vault/v1/ListCardsResponse.ts';
import type { ListProcessorsResponse } from '../grpc/generated/vault/v1/ListProcessorsResponse.ts';
import type { Processor } from '../grpc/generated/vault/v1/Processor.ts';
import type { VaultHandlers } from '../grpc/generated/vault/v1/Vault.ts';
import { unary, type GrpcCallDeps } from '../grpc/grpc-call.ts';
import type { CardExport } from '../grpc/generated/vault/v1/CardExport.ts';
import { ClientError } from '../errors/vault-error.ts';

/** The admitted user (user operations only; admission guarantees it). */
const actorOf = (ctx: { admitted: { actor?: import('../identity/actor.ts').Actor } }) => {
  if (!ctx.admitted.actor) throw new Error('user operation without a user');
  return ctx.admitted.actor;
};

/** Fields of an update, without the id that addresses it; "" (an optional string set empty) is JSON null. */
function changes(request: object, nullable: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(request)) {
    if (field === 'id') continue;
    out[field] = value === '' && nullable.includes(field) ? null : value;
  }
  return out;
}

/**
 * A service's JSON answer as a protobuf message: JSON null is an absent field (the generated types say `undefined`),
 * members the message does not declare are dropped by the encoder.
 */
function message<M>(value: unknown): M {
  const strip = (v: unknown): unknown =>
    v === null ? undefined : Array.isArray(v) ? v.map(strip) : typeof v === 'object' ? Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, strip(x)])) : v;
  return strip(value) as M;
}

/**
 * `vault.v1.Vault`: each method binds one operation of the policy table to the same service call its HTTP route
 * makes, with the request's fields as the JSON body would carry them. Nothing else happens here.
 */
export function vaultHandlers(services: VaultServices, deps: GrpcCallDeps): VaultHandlers {
  const { cards, billingProfiles, cardSessions, paymentTokens, paymentSettings, processors, userErasure } = services;
  const exportsOf = () => {
    if (!services.exportRequests) throw new ClientError('not_found');
    return services.exportRequests;
  };
  return {
    CreateCardSession: unary(deps, 'CreateCardSession', OPERATIONS['card_sessions.create'], (ctx) => cardSessions.create(actorOf(ctx), ctx.request, ctx.writeOutcome(() => 201)), 201),
    ListCards: unary(deps, 'ListCards', OPERATIONS['cards.list'], (ctx) => {
      const { limit, startingAfter } = ctx.request;
      return cards.list(actorOf(ctx), { ...(limit !== undefined ? { limit: String(limit) } : {}), ...(startingAfter !== undefined ? { startingAfter } : {}) }).then(message<ListCardsResponse>);
    }),
    GetCard: unary(deps, 'GetCard', OPERATIONS['cards.get'], (ctx) => cards.get(actorOf(ctx), ctx.request.id ?? '').then(message<Card>)),
    UpdateCard: unary(deps, 'UpdateCard', OPERATIONS['cards.update'], (ctx) => cards.patch(actorOf(ctx), ctx.request.id ?? '', changes(ctx.request, ['billingProfileId'])).then(message<Card>)),
    DeleteCard: unary(deps, 'DeleteCard', OPERATIONS['cards.delete'], async (ctx) => (await cards.delete(actorOf(ctx), ctx.request.id ?? ''), {})),
    CreateBillingProfile: unary(deps, 'CreateBillingProfile', OPERATIONS['billing_profiles.create'], (ctx) => billingProfiles.create(actorOf(ctx), ctx.request.address, ctx.writeOutcome(() => 201)), 201),
    ListBillingProfiles: unary(deps, 'ListBillingProfiles', OPERATIONS['billing_profiles.list'], async (ctx) => ({ data: await billingProfiles.list(actorOf(ctx)) })),
    GetBillingProfile: unary(deps, 'GetBillingProfile', OPERATIONS['billing_profiles.get'], (ctx) => billingProfiles.get(actorOf(ctx), ctx.request.id ?? '')),
    UpdateBillingProfile: unary(deps, 'UpdateBillingProfile', OPERATIONS['billing_profiles.update'], (ctx) =>
      billingProfiles.patch(actorOf(ctx), ctx.request.id ?? '', changes(ctx.request, ['line2', 'region', 'email', 'phone'])),
    ),
    DeleteBillingProfile: unary(deps, 'DeleteBillingProfile', OPERATIONS['billing_profiles.delete'], async (ctx) => (await billingProfiles.delete(actorOf(ctx), ctx.request.id ?? ''), {})),
    IssuePaymentToken: unary(deps, 'IssuePaymentToken', OPERATIONS['payment_tokens.issue'], (ctx) => paymentTokens.issue(actorOf(ctx), ctx.request), 201),
    RedeemPaymentToken: unary(deps, 'RedeemPaymentToken', OPERATIONS['payment_tokens.redeem'], (ctx) => paymentTokens.redeem(ctx.admitted.serviceActor, ctx.request, ctx.stillWanted)),
    SetTenantPaymentSettings: unary(deps, 'SetTenantPaymentSettings', OPERATIONS['payment_settings.set_tenant'], (ctx) => {
      const { tenantId, ...body } = ctx.request;
      return paymentSettings.setTenant(ctx.admitted.serviceActor, tenantId ?? '', body);
    }),
    SetGroupPaymentSettings: unary(deps, 'SetGroupPaymentSettings', OPERATIONS['payment_settings.set_group'], (ctx) => {
      const { tenantId, groupId, ...body } = ctx.request;
      return paymentSettings.setGroup(ctx.admitted.serviceActor, tenantId ?? '', groupId ?? '', body);
    }),
    GetPaymentSettings: unary(deps, 'GetPaymentSettings', OPERATIONS['payment_settings.get'], (ctx) =>
      paymentSettings.effective(ctx.admitted.serviceActor, ctx.request.tenantId ?? '', ctx.request.groupId ?? ''),
    ),
    PutProcessor: unary(deps, 'PutProcessor', OPERATIONS['processors.put'], (ctx) => {
      const { id, ...body } = ctx.request;
      return processors.put(ctx.admitted.serviceActor, id ?? '', body).then(message<Processor>);
    }),
    ListProcessors: unary(deps, 'ListProcessors', OPERATIONS['processors.list'], async (ctx) => message<ListProcessorsResponse>({ data: await processors.list(ctx.admitted.serviceActor) })),
    EraseUserData: unary(deps, 'EraseUserData', OPERATIONS['users.erase'], (ctx) => userErasure.erase(ctx.admitted.serviceActor, ctx.request.tenantId ?? '', ctx.request.userId ?? '')),
    RequestCardExport: unary(deps, 'RequestCardExport', OPERATIONS['exports.request'], (ctx) => exportsOf().request(actorOf(ctx), ctx.request).then(message<CardExport>), 201),
    GetCardExport: unary(deps, 'GetCardExport', OPERATIONS['exports.get'], (ctx) => exportsOf().get(actorOf(ctx), ctx.request.id ?? '').then(message<CardExport>)),
    ApproveCardExport: unary(deps, 'ApproveCardExport', OPERATIONS['exports.approve'], (ctx) => exportsOf().decide(actorOf(ctx), ctx.request.id ?? '', 'approve').then(message<CardExport>)),
    RefuseCardExport: unary(deps, 'RefuseCardExport', OPERATIONS['exports.refuse'], (ctx) => exportsOf().decide(actorOf(ctx), ctx.request.id ?? '', 'refuse').then(message<CardExport>)),
  };
}
