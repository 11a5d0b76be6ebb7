import { actorEvent, type AuditEventInput } from '../audit/audit-event.ts';
import type { AuditedUnitOfWork } from '../audit/audited-unit-of-work.ts';
import { cardIdSchema } from '../cards/card-input.ts';
import { cvcLength, type CardBrand } from '../cards/card-brand.ts';
import type { CardService } from '../cards/card-service.ts';
import type { CardRepository } from '../cards/card-repository.ts';
import { isExpired } from '../cards/expiry.ts';
import { hashBearerSecret, newBearerSecret, newId } from '../crypto/secret-hash.ts';
import { parseInput } from '../errors/parse-input.ts';
import { ClientError, type ClientErrorCode } from '../errors/vault-error.ts';
import { ownerOf, type Actor } from '../identity/actor.ts';
import type { IdempotencyRecordRepository } from '../idempotency/idempotency-record-repository.ts';
import type { WriteOutcome } from '../idempotency/write-outcome.ts';
import type { InvoiceService, VerifiedInvoice } from '../invoices/invoice-service.ts';
import { paymentRefusal, type MissingGroupPolicy } from '../payment-policy/payment-policy.ts';
import type { IssueContextRepository } from '../payment-tokens/issue-context-repository.ts';
import type { Invoice } from '../payment-tokens/payment-token-input.ts';
import type { PaymentTokenService } from '../payment-tokens/payment-token-service.ts';
import { PROCESSOR_ID, recipientOf } from '../processors/processor-service.ts';
import type { InvoicePaymentRepository } from './invoice-payment-repository.ts';
import { confirmPaymentSchema, createPaymentSessionSchema, PAYMENT_SESSION_ID } from './payment-session-input.ts';
import type { PaymentSessionRecord, PaymentSessionRepository, SessionInvoice } from './payment-session-repository.ts';
import type { SessionTokenStore } from './session-token-store.ts';
import { checkLiveSessionCap } from '../card-sessions/live-session-cap.ts';

/** The repositories these rules read and write (with the audit store, which every service has). */
export interface PaymentSessionRepositories {
  readonly paymentSessions: PaymentSessionRepository;
  readonly invoicePayments: InvoicePaymentRepository;
  readonly issueContext: IssueContextRepository;
  readonly cards: CardRepository;
  readonly idempotency: IdempotencyRecordRepository;
}

export interface PaymentSessionSettings {
  /** A session's life (it ends sooner when its invoice expires sooner). */
  readonly ttlSeconds: number;
  /** Origin of the public listener, for `formUrl`. */
  readonly publicBaseUrl: () => string;
  /** Live (open, unexpired) sessions one user may hold; one more answers 429 until the oldest expires. */
  readonly maxLivePerUser: number;
  readonly missingGroup: MissingGroupPolicy;
}

export interface PaymentSessionDeps {
  readonly uow: AuditedUnitOfWork<PaymentSessionRepositories>;
  readonly cards: CardService;
  readonly invoices: InvoiceService;
  readonly paymentTokens: PaymentTokenService;
  readonly tokens: SessionTokenStore;
  readonly settings: PaymentSessionSettings;
  readonly now?: () => Date;
}

export interface PaymentSessionCreated {
  readonly id: string;
  /** Shown once, to the payment flow; only its SHA-256 is stored. The pay form gets it by postMessage. */
  readonly clientSecret: string;
  readonly formUrl: string;
  readonly expiresAt: string;
}

export type PaymentSessionState = 'open' | 'confirmed' | 'failed' | 'expired';

export interface PaymentSessionView {
  readonly id: string;
  readonly state: PaymentSessionState;
  readonly expiresAt: string;
  /** When confirmed, while the token lives. */
  readonly paymentToken?: string;
  /** When failed: the code that ended it. */
  readonly code?: string;
}

/**
 * What the pay form shows: the masked card and the invoice exactly as its partner signed it; for a session that
 * has already failed, the code that ended it (so a form loaded afterwards can say why, as the state read does).
 */
export interface PayFormView {
  readonly state: PaymentSessionState;
  /** When failed: the code that ended it. */
  readonly code?: string;
  readonly expiresAt: string;
  readonly card: { readonly brand: string; readonly last4: string; readonly expMonth: number; readonly expYear: number; readonly cvcLength: number };
  readonly invoice: {
    readonly partner: string;
    readonly id: string;
    readonly amount: number;
    readonly currency: string;
    readonly merchantName: string;
    readonly dueDate: string;
  };
}

/** The actor recorded for the pay form's holder of a session secret. */
export const PAY_FORM_ACTOR = 'pay-form';

/** Wrong-format security codes a session takes; the last one fails it. */
export const MAX_CVC_FAILURES = 3;

/** Refusals at confirm after which the session cannot succeed: it fails with that code. Others leave it open. */
const RETRYABLE: ReadonlySet<ClientErrorCode> = new Set(['rate_limited', 'cvc_invalid', 'invalid_request', 'duplicate_member', 'unauthenticated']);

const tokenInvoice = (v: VerifiedInvoice): Invoice => ({ id: v.id, amount: v.amount, currency: v.currency, merchantId: v.merchant.id, partner: v.partnerId });

/**
 * Payment sessions (issue 23): the payment flow opens one for a card, a processor and a partner-signed invoice,
 * after every check that needs no security code; the vault's pay form shows the masked card and the verified
 * invoice and confirms with the code, which goes from the browser straight to the vault. The confirm issues the
 * token by the very issue path of `POST /v1/payment-tokens` (CVC by brand, limits, epochs, audit), claims the
 * invoice (paid at most once per user) and closes the session, in one transaction; the payment flow reads the
 * token from `GET /v1/payment-sessions/{id}`. The code never passes through the mail tier.
 */
export class PaymentSessionService {
  private readonly now: () => Date;
  constructor(private readonly deps: PaymentSessionDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** How long a session lives: also how long the record of its creation (it holds the secret) may be kept. */
  get ttlSeconds(): number {
    return this.deps.settings.ttlSeconds;
  }

  /**
   * In the order of the token issue, without what needs the code: switches, processor (enabled, keyed), invoice
   * (signature, partner registered and enabled, lifetime, claims), card (owned, not expired), invoice not already
   * paid, live-session cap. With `outcome`, the session and its idempotency record commit together.
   */
  async create(actor: Actor, body: unknown, outcome?: WriteOutcome<PaymentSessionCreated>): Promise<PaymentSessionCreated> {
    const { uow, settings } = this.deps;
    const input = parseInput(createPaymentSessionSchema, body);
    const { groupId } = actor.user;
    const owner = ownerOf(actor);
    const now = this.now();
    const denied = (reason: string) => uow.repos.audit.append({ ...actorEvent(actor, 'payment_session.create', null, 'denied'), reason });

    const context = await uow.repos.issueContext.read(
      owner,
      groupId,
      cardIdSchema.safeParse(input.cardId).success ? input.cardId : null,
      PROCESSOR_ID.test(input.processorId) ? input.processorId : null,
    );
    const refusal = paymentRefusal(context.settings, groupId, settings.missingGroup);
    if (refusal) {
      await denied(refusal);
      throw new ClientError('payments_disabled');
    }
    const recipient = recipientOf(context.processor);
    let invoice: VerifiedInvoice;
    try {
      invoice = await this.deps.invoices.verify(input.invoice);
    } catch (err) {
      // Which check refused it is recorded (never the invoice: it is caller input).
      if (err instanceof ClientError) await denied(err.errors[0]?.code ?? err.code);
      throw err;
    }
    const card = await this.deps.cards.ownedOrDeny(actor, input.cardId, context.card, 'payment_session.create');
    /* Precondition: an expired card cannot be charged; say so before the user types the code. */
    if (isExpired({ month: card.expMonth, year: card.expYear }, now)) throw new ClientError('card_expired');
    /* Precondition: one invoice is paid at most once per user (a live or a redeemed token holds it). */
    if (await uow.repos.invoicePayments.isHeld(owner, { partnerId: invoice.partnerId, invoiceId: invoice.id }, now)) {
      await denied('invoice_already_paid');
      throw new ClientError('invoice_already_paid');
    }

    const id = newId('ps_');
    const clientSecret = newBearerSecret(`${id}_secret_`);
    // Never longer than the invoice is valid: the confirm verifies it again.
    const expiresAt = new Date(Math.min(now.getTime() + settings.ttlSeconds * 1000, invoice.expiresAt.getTime()));
    const created: PaymentSessionCreated = { id, clientSecret, formUrl: `${settings.publicBaseUrl()}/v1/pay-form`, expiresAt: expiresAt.toISOString() };
    const shown: SessionInvoice = {
      partnerId: invoice.partnerId, id: invoice.id, amount: invoice.amount, currency: invoice.currency,
      merchantId: invoice.merchant.id, merchantName: invoice.merchant.displayName, dueDate: invoice.dueDate,
    };
    return uow.transaction(async (repos) => {
      await repos.paymentSessions.lockOwner(owner);
      /* Precondition: a user cannot pile up open payment sessions (each is a live bearer secret). */
      checkLiveSessionCap(await repos.paymentSessions.liveExpiries(owner, now), settings.maxLivePerUser, now);
      await repos.paymentSessions.insert({
        id, secretHash: hashBearerSecret(clientSecret), tenantId: owner.tenantId, userId: owner.userId, groupId,
        cardId: card.id, processorId: recipient.id, partnerId: invoice.partnerId, invoiceId: invoice.id, invoice: shown, invoiceJws: invoice.jws,
        createdBy: actor.service, expiresAt,
      });
      await repos.audit.append({ ...actorEvent(actor, 'payment_session.create', id), reason: `card=${card.id} processor=${recipient.id} invoice=${invoice.partnerId}/${invoice.id}` });
      return created;
    }, outcome);
  }

  /** The session's state for the payment flow acting for its user; with the token once confirmed, while it lives. */
  async get(actor: Actor, id: string): Promise<PaymentSessionView> {
    const { uow } = this.deps;
    const owner = ownerOf(actor);
    const session = PAYMENT_SESSION_ID.test(id) ? await uow.repos.paymentSessions.findOwned(owner, id) : null;
    if (!session) {
      await uow.repos.audit.append({ ...actorEvent(actor, 'payment_session.read', PAYMENT_SESSION_ID.test(id) ? id : null, 'denied'), reason: 'payment_session_not_found' });
      throw new ClientError('payment_session_not_found');
    }
    const state = this.stateOf(session);
    const paymentToken = state === 'confirmed' ? await this.deps.tokens.find(session.id, owner) : null;
    await uow.repos.audit.append(actorEvent(actor, 'payment_session.read', session.id));
    return {
      id: session.id,
      state,
      expiresAt: session.expiresAt.toISOString(),
      ...(paymentToken ? { paymentToken } : {}),
      ...(state === 'failed' && session.failedCode ? { code: session.failedCode } : {}),
    };
  }

  /** Public listener: what the pay form shows for a session secret (401 `unauthenticated` for any other secret). */
  async current(secret: string | null, requestId: string): Promise<PayFormView> {
    const { uow } = this.deps;
    const session = await this.sessionOf(secret);
    const card = await uow.repos.cards.findOwned({ tenantId: session.tenantId, userId: session.userId }, session.cardId);
    if (!card) {
      await uow.repos.paymentSessions.fail(session.id, 'card_not_found');
      throw new ClientError('card_not_found');
    }
    await uow.repos.audit.append(actorEvent(this.actorOf(session, requestId), 'card.read', card.id));
    const i = session.invoice;
    const state = this.stateOf(session);
    return {
      state,
      ...(state === 'failed' && session.failedCode ? { code: session.failedCode } : {}),
      expiresAt: session.expiresAt.toISOString(),
      card: { brand: card.brand, last4: card.last4, expMonth: card.expMonth, expYear: card.expYear, cvcLength: cvcLength(card.brand as CardBrand) },
      invoice: { partner: i.partnerId, id: i.id, amount: i.amount, currency: i.currency, merchantName: i.merchantName, dueDate: i.dueDate },
    };
  }

  /**
   * Public listener: confirms the session with the security code. The token is issued exactly as the direct
   * issue does; the session's own transaction claims the invoice and closes the session with the issue's audit
   * events. The answer is only "paid" or the error; a wrong-format code counts, the third fails the session.
   */
  async confirm(secret: string | null, body: unknown, requestId: string): Promise<{ readonly status: 'paid' }> {
    const { uow } = this.deps;
    const session = await this.sessionOf(secret);
    /* Precondition: a session is used once; a confirmed, failed or expired one issues nothing. */
    if (this.stateOf(session) !== 'open') throw new ClientError('payment_session_closed');
    const input = parseInput(confirmPaymentSchema, body);
    const actor = this.actorOf(session, requestId);
    const owner = ownerOf(actor);
    try {
      // Verified again: a partner disabled, or a key dropped, since the session opened stops it here.
      const invoice = await this.deps.invoices.verify(session.invoiceJws);
      await this.deps.paymentTokens.issueChecked(
        actor,
        { cardId: session.cardId, processorId: session.processorId, cvc: input.cvc, invoice: () => tokenInvoice(invoice), invoiceJws: invoice.jws, invoiceClaimed: true },
        async (events: readonly AuditEventInput[], release) => {
          // Kept for the payment flow first (encrypted, for the token's life): useless unless the claim below commits.
          await this.deps.tokens.save(session.id, owner, release.token, release.expiresAt);
          const now = this.now();
          await uow.transaction(async (repos) => {
            const claim = { owner, partnerId: invoice.partnerId, invoiceId: invoice.id, sessionId: session.id, tokenId: release.tokenId, tokenExpiresAt: release.expiresAt };
            /* Precondition: two sessions for one invoice confirmed at once issue one token (the claim's primary key decides). */
            if (!(await repos.invoicePayments.claim(claim, now))) throw new ClientError('invoice_already_paid');
            if (!(await repos.paymentSessions.confirm(session.id, release.tokenId, release.expiresAt, now))) throw new ClientError('payment_session_closed');
            await repos.audit.appendAll([...events, actorEvent(actor, 'payment_session.confirm', session.id)]);
          });
        },
      );
    } catch (err) {
      if (err instanceof ClientError) await this.afterRefusal(session, err, actor);
      throw err;
    }
    return { status: 'paid' };
  }

  /** A wrong-format code counts (the last allowed one fails the session); a refusal nothing can fix fails it. */
  private async afterRefusal(session: PaymentSessionRecord, err: ClientError, actor: Actor): Promise<void> {
    const repos = this.deps.uow.repos;
    if (err.code === 'cvc_invalid') {
      const failures = await repos.paymentSessions.countCvcFailure(session.id, MAX_CVC_FAILURES, 'cvc_invalid', this.now());
      if (failures !== null && failures >= MAX_CVC_FAILURES) {
        await repos.audit.append({ ...actorEvent(actor, 'payment_session.confirm', session.id, 'denied'), reason: 'cvc_attempts_exhausted' });
      }
      return;
    }
    if (RETRYABLE.has(err.code) || err.code === 'payment_session_closed') return;
    if (await repos.paymentSessions.fail(session.id, err.code)) {
      await repos.audit.append({ ...actorEvent(actor, 'payment_session.confirm', session.id, 'denied'), reason: err.code });
    }
  }

  private async sessionOf(secret: string | null): Promise<PaymentSessionRecord> {
    // Not audited one by one: the public listener's failed-secret throttle counts refusals and audits aggregates.
    const session = secret ? await this.deps.uow.repos.paymentSessions.findUnexpired(hashBearerSecret(secret), this.now()) : null;
    if (!session) throw new ClientError('unauthenticated');
    return session;
  }

  private actorOf(session: PaymentSessionRecord, requestId: string): Actor {
    return { service: PAY_FORM_ACTOR, requestId, user: { tenantId: session.tenantId, userId: session.userId, groupId: session.groupId } };
  }

  private stateOf(session: PaymentSessionRecord): PaymentSessionState {
    if (session.state === 'open' && session.expiresAt.getTime() <= this.now().getTime()) return 'expired';
    return session.state;
  }
}
