import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { compactDecrypt, importJWK, type JWK } from 'jose';
import type { CardView } from '../../services/vault/src/cards/card-record.ts';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import { ClientError, type ClientErrorCode, type FieldProblem } from '../../services/vault/src/errors/vault-error.ts';
import type { Actor, ServiceActor } from '../../services/vault/src/identity/actor.ts';
import type { UserContext } from '../../services/vault/src/identity/user-assertion.ts';
import type { FakeVault } from '../support/fakes/build-fake-services.ts';

// Helpers for the service tests: the rules of the vault’s services on in-memory fakes — no HTTP, no PostgreSQL, no Redis.

export const FUTURE_YEAR = new Date().getUTCFullYear() + 3;
export const INVOICE = { id: 'INV-0001', amount: 12_345, currency: 'EUR', merchantId: 'merchant-42', partner: 'xero' };
export const WELL_FORMED_UNKNOWN_CARD = 'card_AAAAAAAAAAAAAAAAAAAAAA';

export function newUser(tenantId = `t-${randomBytes(5).toString('hex')}`, groupId: string | null = null): UserContext {
  return { tenantId, userId: `u-${randomBytes(5).toString('hex')}`, groupId };
}

/** The calling service acting for `user` (account-settings manages cards; payment-flow issues tokens). */
export function as(user: UserContext, service = 'account-settings'): Actor {
  return { service, requestId: randomUUID(), user };
}

export function asService(service: string): ServiceActor {
  return { service, requestId: randomUUID() };
}

export const admin = () => asService('admin');
export const processor = (id: string) => asService(`processor/${id}`);

export function visa(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { number: '4242424242424242', expMonth: 12, expYear: FUTURE_YEAR, cardholderName: 'Ada Lovelace', ...overrides };
}

/** A card-entry session for `user`, made by the account-settings backend; its secret. */
export async function cardSession(v: FakeVault, user: UserContext): Promise<string> {
  return (await v.services.cardSessions.create(as(user), {})).clientSecret;
}

/** Adds a card the way the hosted form does (a fresh session); the view the form gets (`duplicate` → 200). */
export async function addCard(v: FakeVault, user: UserContext, card: Record<string, unknown> = visa()): Promise<CardView> {
  return v.services.cards.createFromSession(await cardSession(v, user), card, randomUUID());
}

// The example processors' keys, read here rather than through test/support/payments.ts: that module loads
// node-jose, which costs these tests more time than they take to run.
export type ExampleProcessor = 'xero-payments' | 'freshbooks-payments';

export function publicJwks(id: ExampleProcessor): { keys: JWK[] } {
  return JSON.parse(readFileSync(keysExample('processors', `${id}-public.jwks.json`), 'utf8'));
}

/** Opens a processor's JWE with its example private key, as the processor would. */
export async function openAsProcessor(jwe: string, id: ExampleProcessor) {
  const jwk = JSON.parse(readFileSync(keysExample('processors', `${id}-private.jwk.json`), 'utf8')) as JWK;
  const { plaintext, protectedHeader } = await compactDecrypt(jwe, await importJWK(jwk, jwk.alg as string));
  return { header: protectedHeader, payload: JSON.parse(new TextDecoder().decode(plaintext)) };
}

/** Registers a processor under `id` with an example processor's public keys, enabled unless said otherwise. */
export async function registerProcessor(v: FakeVault, id: string = 'xero-payments', keysOf: ExampleProcessor = 'xero-payments', enabled = true) {
  return v.services.processors.put(admin(), id, { name: id, enabled, jwks: publicJwks(keysOf) });
}

export function issueBody(cardId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { cardId, cvc: '123', processorId: 'xero-payments', invoice: INVOICE, ...overrides };
}

/** payment-flow acting for `user`: who issues payment tokens. */
export const payer = (user: UserContext) => as(user, 'payment-flow');

/** Issues a token for `by` (an actor, or a user for whom payment-flow acts). */
export function issue(v: FakeVault, by: Actor | UserContext, cardId: string, overrides: Record<string, unknown> = {}) {
  return v.services.paymentTokens.issue('service' in by ? by : payer(by), issueBody(cardId, overrides));
}

/** Redeems a token as a processor (xero-payments unless said otherwise). */
export function redeem(v: FakeVault, token: unknown, by: ServiceActor = processor('xero-payments')) {
  return v.services.paymentTokens.redeem(by, { token });
}

export interface Refusal {
  readonly code: ClientErrorCode;
  readonly status: number;
  readonly retryAfter: number | undefined;
  readonly errors: readonly FieldProblem[];
}

/** The client error a call was refused with (the code and status the HTTP front end answers); fails on success. */
export async function refusal(call: Promise<unknown>): Promise<Refusal> {
  const err = await call.then(
    () => {
      throw new Error('expected the call to be refused, and it succeeded');
    },
    (e: unknown) => e,
  );
  if (!(err instanceof ClientError)) throw err;
  return { code: err.code, status: err.status, retryAfter: err.retryAfter, errors: err.errors };
}

/** What an auditor reads of a request's events. */
export function auditTrail(v: FakeVault, requestId: string) {
  return v.eventsOf(requestId).map(({ action, outcome, target, reason, userId, tenantId, actorService }) => ({ action, outcome, target, reason, userId, tenantId, actorService }));
}
