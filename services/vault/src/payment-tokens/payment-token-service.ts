import { actorEvent, serviceEvent, type AuditEventInput } from '../audit/audit-event.ts';
import { cardIdSchema } from '../cards/card-input.ts';
import { PROCESSOR_ID, recipientOf } from '../processors/processor-service.ts';
import type { BillingProfileService } from '../billing-profiles/billing-profile-service.ts';
import type { CardService } from '../cards/card-service.ts';
import { isExpired } from '../cards/expiry.ts';
import type { CardBrand } from '../cards/card-brand.ts';
import type { PaymentsConfig } from './payments-config.ts';
import { encryptForProcessor } from '../crypto/processor-jwe.ts';
import { hashBearerSecret, newBearerSecret, newId } from '../crypto/secret-hash.ts';
import { parseInput } from '../errors/parse-input.ts';
import { ClientError, type FieldProblem } from '../errors/vault-error.ts';
import { type Actor, type ServiceActor, ownerOf } from '../identity/actor.ts';
import { paymentRefusal } from '../payment-policy/payment-policy.ts';
import type { KeyedDigest } from '../crypto/keyed-digest.ts';
import { redisKey } from '../storage/redis-keys.ts';
import { epochsMoved, type EpochScope, type RevocationEpochRepository } from '../payment-policy/revocation-epochs.ts';
import type { AuditedUnitOfWork } from '../audit/audited-unit-of-work.ts';
import { checkInvoice, issueTokenSchema, parseCvc, PAYMENT_TOKEN, REDEMPTION_ID, type Invoice } from './payment-token-input.ts';
import type { RateCounter, RateLimiter } from './rate-limiter.ts';
import type { Claim, StoredToken, TokenStore } from './token-store.ts';
import type { TokenRedemptionRepository } from './token-redemption-repository.ts';
import type { IssueContextRepository } from './issue-context-repository.ts';
import type { InvoicePaymentRepository } from '../payment-sessions/invoice-payment-repository.ts';

/** The repositories these rules read and write (with the audit store, which every service has). */
export interface PaymentTokenRepositories {
  readonly issueContext: IssueContextRepository;
  readonly invoicePayments: InvoicePaymentRepository;
  readonly tokenRedemptions: TokenRedemptionRepository;
  readonly revocationEpochs: RevocationEpochRepository;
}

/** An issue, checked for structure: the invoice is checked (or was verified) by `invoice`, in its place in the order. */
export interface IssueRequest {
  readonly cardId: string;
  readonly processorId: string;
  readonly cvc: string;
  /** The invoice the token is bound to; called after the switches and the processor, before the card. */
  readonly invoice: () => Invoice;
  /** The partner's signed invoice, exactly as signed: carried in the JWE beside the fields (payment sessions). */
  readonly invoiceJws?: string;
  /** The invoice was claimed for this token (payment sessions): its redeem marks the invoice paid for good. */
  readonly invoiceClaimed?: true;
}

/** A token about to be released: what a caller may record with the issue's audit events. */
export interface TokenToRelease {
  readonly token: string;
  readonly tokenId: string;
  readonly expiresAt: Date;
}

/**
 * How an issue is recorded before the token exists: by default its audit events alone; a payment session writes
 * them in one transaction with its invoice claim and its confirmation, so a refusal there releases nothing.
 */
export type RecordIssue = (events: readonly AuditEventInput[], release: TokenToRelease) => Promise<void>;

export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: string;
  readonly processorId: string;
}

export interface RedeemedToken {
  readonly jwe: string;
  readonly kid: string;
  readonly invoice: Invoice;
}

export interface PaymentTokenDeps {
  readonly uow: AuditedUnitOfWork<PaymentTokenRepositories>;
  readonly cards: CardService;
  readonly billingProfiles: BillingProfileService;
  readonly tokens: TokenStore;
  readonly rateLimiter: RateLimiter;
  /** Keyed hash of a card number for the vault-wide per-PAN limit (kept only in Redis, only for its window). */
  readonly cardNumberDigest: KeyedDigest;
  readonly config: PaymentsConfig;
  readonly now?: () => Date;
}

/**
 * Payment tokens: a stored card released for one payment, to one processor, after the owner re-entered the
 * security code, for a few minutes, once. The CVC exists only in request memory and inside the JWE.
 */
export class PaymentTokenService {
  private readonly now: () => Date;
  constructor(private readonly deps: PaymentTokenDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** How long an issued token lives: also how long an idempotency record of an issue may be kept. */
  get tokenTtlSeconds(): number {
    return this.deps.config.tokenTtlSeconds;
  }

  /**
   * The direct issue: the security code comes in the caller's request, so the caller is in PCI scope (PCI DSS
   * 3.3.1.2). Only services named in `VAULT_DIRECT_CVC_CALLERS` may use it, and only in dev mode may it bind the
   * unsigned invoice it takes; everyone else opens a payment session (the code goes from the pay form to the vault).
   */
  async issue(actor: Actor, body: unknown): Promise<IssuedToken> {
    const { maxAmount, partners, directCvcCallers, unsignedInvoices } = this.deps.config;
    /* Precondition: the caller may send a security code at all — checked before the body is read, so a refused
       caller learns nothing about the card and spends no limit. */
    if (!directCvcCallers.includes(actor.service)) await this.refuse(actor, 'direct_cvc_not_allowed');
    const input = parseInput(issueTokenSchema, body);
    /* Precondition: in production a token binds only an invoice its partner signed; this path's invoice is not. */
    if (!unsignedInvoices) await this.refuse(actor, 'invoice_unsigned', [{ path: 'invoice', code: 'invoice_unsigned' }]);
    return this.issueChecked(actor, { cardId: input.cardId, processorId: input.processorId, cvc: input.cvc, invoice: () => checkInvoice(input.invoice, maxAmount, partners) });
  }

  /**
   * The issue path itself, whoever asks (the direct issue, a payment session's confirm): epochs, switches,
   * processor, invoice, card, CVC by brand, per-card and per-user limits, decrypt, per-card-number limit, JWE,
   * audit (through `record`), token saved.
   */
  async issueChecked(actor: Actor, input: IssueRequest, record?: RecordIssue): Promise<IssuedToken> {
    const { uow, config } = this.deps;
    const { tenantId, groupId } = actor.user;
    // The token's life is fixed now, before its epochs are read: it can never outlive the epoch values it records.
    const now = this.now();
    const scopes: EpochScope[] = [
      { kind: 'tenant', tenantId },
      ...(groupId ? [{ kind: 'group' as const, tenantId, groupId }] : []),
      { kind: 'user', tenantId, userId: actor.user.userId },
      { kind: 'card', tenantId, userId: actor.user.userId, cardId: input.cardId },
      { kind: 'processor', processorId: input.processorId },
    ];
    // Epochs are read before the switches, the card and the processor: a change that lands after this read
    // revokes the token.
    const epochs = await uow.repos.revocationEpochs.read(scopes);

    // The switches, the processor and the card, in one read; then the checks, cheapest first.
    const context = await uow.repos.issueContext.read(
      ownerOf(actor),
      groupId,
      cardIdSchema.safeParse(input.cardId).success ? input.cardId : null,
      PROCESSOR_ID.test(input.processorId) ? input.processorId : null,
    );
    const refusal = paymentRefusal(context.settings, groupId, config.missingGroup);
    if (refusal) {
      await uow.repos.audit.append({ ...actorEvent(actor, 'payment_token.issue', null, 'denied'), reason: refusal });
      throw new ClientError('payments_disabled');
    }
    const recipient = recipientOf(context.processor);
    const invoice = input.invoice();
    const card = await this.deps.cards.ownedOrDeny(actor, input.cardId, context.card, 'payment_token.issue');
    /* Precondition: an expired card cannot be charged; say so before asking the processor. */
    if (isExpired({ month: card.expMonth, year: card.expYear }, now)) throw new ClientError('card_expired');
    const cvc = parseCvc(input.cvc, card.brand as CardBrand);
    await this.limit(actor, card.id, [
      { key: redisKey('rate:card', tenantId, card.id), limit: config.rateLimits.perCard },
      { key: redisKey('rate:user', tenantId, actor.user.userId), limit: config.rateLimits.perUser },
    ]);

    const pan = await this.deps.cards.openPan(actor, card);
    // The card was read: that is audited whatever follows, in one write with the outcome's event when there is one.
    const decrypted = actorEvent(actor, 'card.decrypt', card.id);
    let audited = false;
    try {
      // Per card number across the whole vault: another user, tenant, or a delete and re-add of the same PAN
      // shares these counters, so the security code cannot be guessed by storing the card again.
      const panKey = this.deps.cardNumberDigest.digest(pan.reveal());
      const wait = await this.deps.rateLimiter.hit(config.rateLimits.perCardNumber.map((limit) => ({ key: redisKey('rate:card-number', panKey), limit })));
      if (wait > 0) {
        await uow.repos.audit.appendAll([decrypted, this.rateLimited(actor, card.id)]);
        audited = true;
        throw new ClientError('rate_limited', [], wait);
      }
      const billingAddress = card.billingProfileId ? await this.deps.billingProfiles.addressOf(actor, card.billingProfileId) : null;
      const token = newBearerSecret('pt_');
      const tokenId = newId('ptid_');
      const iat = Math.floor(now.getTime() / 1000);
      const exp = iat + config.tokenTtlSeconds;
      const jwe = await encryptForProcessor(
        {
          number: pan.reveal(),
          expMonth: card.expMonth,
          expYear: card.expYear,
          cardholderName: card.cardholderName,
          cvc: cvc.reveal(),
          billingAddress,
          invoice,
          ...(input.invoiceJws !== undefined ? { invoiceJws: input.invoiceJws } : {}),
          tokenId,
          iat,
          exp,
        },
        recipient.key,
      );
      const expiresAt = new Date(exp * 1000).toISOString();
      // Audited before the card can leave: no token exists until the read and the issue are in the log.
      const reason = `card=${card.id} processor=${recipient.id}`;
      const events = [decrypted, { ...actorEvent(actor, 'payment_token.issue', tokenId), reason }];
      if (record) await record(events, { token, tokenId, expiresAt: new Date(exp * 1000) });
      else await uow.repos.audit.appendAll(events);
      audited = true;
      try {
        await this.deps.tokens.save(
          hashBearerSecret(token),
          {
            tokenId, processorId: recipient.id, tenantId, groupId, userId: actor.user.userId, cardId: card.id, kid: recipient.key.kid, jwe, invoice, expiresAt, epochs,
            ...(input.invoiceClaimed ? { invoiceClaimed: true } : {}),
          },
        );
      } catch (err) {
        // The issue recorded above did not happen after all: say so (the request answers with the save's error).
        await uow.repos.audit.append({ ...actorEvent(actor, 'payment_token.issue', tokenId, 'failed'), reason: 'token_not_saved' }).catch(() => {});
        throw err;
      }
      return { token, expiresAt, processorId: recipient.id };
    } catch (err) {
      // The request fails either way (with its own error); the read is recorded if the log can still take it.
      if (!audited) await uow.repos.audit.append(decrypted).catch(() => {});
      throw err;
    }
  }

  /** A direct issue refused before anything about the card is read: audited with the code as reason. */
  private async refuse(actor: Actor, code: 'direct_cvc_not_allowed' | 'invoice_unsigned', errors: readonly FieldProblem[] = []): Promise<never> {
    await this.deps.uow.repos.audit.append({ ...actorEvent(actor, 'payment_token.issue', null, 'denied'), reason: code });
    throw new ClientError(code, errors);
  }

  private rateLimited(actor: Actor, cardId: string): AuditEventInput {
    return { ...actorEvent(actor, 'payment_token.issue', cardId, 'denied'), reason: 'rate_limited' };
  }

  /** Counts one attempt; over any limit: audited, 429 with Retry-After. */
  private async limit(actor: Actor, cardId: string, counters: readonly RateCounter[]): Promise<void> {
    const wait = await this.deps.rateLimiter.hit(counters);
    if (wait > 0) {
      await this.deps.uow.repos.audit.append(this.rateLimited(actor, cardId));
      throw new ClientError('rate_limited', [], wait);
    }
  }

  /**
   * Redeems a token for the calling processor. Unknown, expired, used, revoked, malformed and another
   * processor's tokens all answer the same 404; another processor's attempt leaves the token in place.
   *
   * Single use is decided by PostgreSQL, not Redis: the release commits a `token_redemptions` row with its audit
   * event, after checking in the same transaction that no revocation epoch the token recorded has moved. Redis only
   * carries the token (a promoted replica may hand out one whose claim its dead master had acknowledged: the row
   * refuses it). A processor may send a `redemptionId` of its own; repeating the redeem with it within
   * `redeemRetrySeconds` (and the token's life) gets the same JWE, audited, while nothing revoked the token.
   *
   * `stillWanted`: whether the caller can still receive the answer (its deadline has not passed, it has not gone).
   * When it can no longer, a token just taken is put back — the card is not released to nobody — and the redeem
   * is audited as undelivered, so the processor's retry can still redeem it.
   */
  async redeem(actor: ServiceActor, body: unknown, stillWanted: () => boolean = () => true): Promise<RedeemedToken> {
    const { uow } = this.deps;
    const { token, redemptionId } = (body ?? {}) as { token?: unknown; redemptionId?: unknown };
    const processorId = actor.service.startsWith('processor/') ? actor.service.slice('processor/'.length) : null;
    const extra = Object.keys(body as object).filter((k) => k !== 'token' && k !== 'redemptionId');
    const wellFormed = typeof token === 'string' && PAYMENT_TOKEN.test(token) && extra.length === 0 && (redemptionId === undefined || (typeof redemptionId === 'string' && REDEMPTION_ID.test(redemptionId)));
    if (!processorId || !wellFormed) {
      await uow.repos.audit.append({ ...serviceEvent(actor, 'payment_token.redeem', null, 'denied'), reason: 'token_not_found' });
      throw new ClientError('token_not_found');
    }
    const request: RedeemRequest = { actor, processorId, tokenHash: hashBearerSecret(token as string), redemptionId: (redemptionId as string | undefined) ?? null };
    const outcome = await this.deps.tokens.claim(request.tokenHash, processorId);
    if (outcome.kind === 'claimed') return this.release(request, outcome.token, outcome.claim, stillWanted);
    if (outcome.kind === 'not_found' && request.redemptionId !== null) {
      const repeated = await this.repeat(request);
      if (repeated) return repeated;
    }
    return this.denied(request, outcome.kind === 'wrong_processor' ? outcome.token : null, outcome.kind);
  }

  /** A claimed token: released (recorded, audited) unless revoked, already released, or its caller is gone. */
  private async release(r: RedeemRequest, t: StoredToken, claim: Claim, stillWanted: () => boolean): Promise<RedeemedToken> {
    const { uow, tokens } = this.deps;
    const now = this.now();
    /* Precondition: a token past its expiry is never released (Redis keeps a key until past it, on its own clock). */
    if (now.getTime() >= new Date(t.expiresAt).getTime()) return this.denied(r, t, 'expired');
    if (!stillWanted()) return this.undelivered(r, t, claim, false);
    const scope = { tenantId: t.tenantId, userId: t.userId };
    let verdict: 'released' | 'revoked' | 'superseded' | 'already_redeemed';
    try {
      verdict = await uow.transaction(async (repos) => {
        if (epochsMoved(t.epochs, await repos.revocationEpochs.readKeys(Object.keys(t.epochs)))) return 'revoked';
        /* Precondition: a payment session's token still holds its invoice. At its expiry another session may have
           claimed it, while Redis still hands the old token out (until past its expiry, by Redis's clock): one pays. */
        if (t.invoiceClaimed && !(await repos.invoicePayments.markRedeemed(t.tokenId, now))) return 'superseded';
        const recorded = await repos.tokenRedemptions.record({ tokenId: t.tokenId, processorId: r.processorId, redemptionId: r.redemptionId, tenantId: t.tenantId, tokenExpiresAt: new Date(t.expiresAt) });
        // Released before, though Redis handed the token out again (a failover lost its claim): never twice.
        if (!recorded) return 'already_redeemed';
        await repos.audit.append(serviceEvent(r.actor, 'payment_token.redeem', t.tokenId, 'success', scope));
        return 'released';
      });
    } catch (err) {
      // Unrecorded, the card must not leave: put the token back so a retry can redeem it, and answer 503.
      await tokens.putBack(claim, t).catch(() => {});
      throw err;
    }
    if (verdict === 'already_redeemed' && r.redemptionId !== null) {
      // The processor's own repeat, meeting the token again after a failover: the same answer, if still allowed.
      const repeated = await this.repeatOf(r, t);
      if (repeated) return repeated;
    }
    if (verdict !== 'released') return this.denied(r, t, verdict === 'superseded' ? 'invoice_claimed_again' : verdict);
    if (r.redemptionId !== null) await this.keepForRetry(r, t, now);
    // The caller may have gone while the release was recorded: then it was not delivered either. From here to the
    // answer no timer can run (no I/O is awaited), so a caller still there now gets it.
    if (!stillWanted()) return this.undelivered(r, t, claim, true);
    return { jwe: t.jwe, kid: t.kid, invoice: t.invoice };
  }

  /**
   * Nothing was delivered: the token goes back (by its claim: at most once, never after another claim) and the
   * redeem is audited as such. A release already recorded is forgotten with it (and its invoice held by the live
   * token again, not paid): if no retry comes before the token expires, the user can pay again.
   */
  private async undelivered(r: RedeemRequest, t: StoredToken, claim: Claim, recorded: boolean): Promise<never> {
    const { uow, tokens } = this.deps;
    const gone = { ...serviceEvent(r.actor, 'payment_token.redeem', t.tokenId, 'failed', { tenantId: t.tenantId, userId: t.userId }), reason: 'caller_gone' };
    if (recorded) {
      await uow.transaction(async (repos) => {
        await repos.tokenRedemptions.forget(t.tokenId);
        if (t.invoiceClaimed) await repos.invoicePayments.unmarkRedeemed(t.tokenId);
        await repos.audit.append(gone);
      });
    } else await uow.repos.audit.append(gone);
    await tokens.putBack(claim, t);
    throw new ClientError('token_not_found');
  }

  /** Keeps the released token for the processor's repeat, for the retry window and never past its expiry (best effort). */
  private async keepForRetry(r: RedeemRequest, t: StoredToken, now: Date): Promise<void> {
    const window = this.deps.config.redeemRetrySeconds;
    if (window <= 0 || r.redemptionId === null) return;
    const until = Math.min(now.getTime() + window * 1000, new Date(t.expiresAt).getTime());
    // A copy that cannot be kept costs only the repeat (it answers 404 like any used token), not this release.
    await this.deps.tokens.keepForRetry(r.tokenHash, { token: t, redemptionId: r.redemptionId }, until).catch(() => {});
  }

  /** A repeat of a released token with its redemption id, from the copy kept for it: the same JWE, or null. */
  private async repeat(r: RedeemRequest): Promise<RedeemedToken | null> {
    const copy = await this.deps.tokens.retryCopy(r.tokenHash);
    if (!copy || copy.redemptionId !== r.redemptionId) return null;
    return this.repeatOf(r, copy.token);
  }

  /**
   * The same answer again, only: to the processor that redeemed with this redemption id (as PostgreSQL recorded it),
   * within the retry window and the token's life, while no epoch the token recorded moved; every repeat audited.
   */
  private async repeatOf(r: RedeemRequest, t: StoredToken): Promise<RedeemedToken | null> {
    const now = this.now();
    const window = this.deps.config.redeemRetrySeconds * 1000;
    if (t.processorId !== r.processorId || now.getTime() >= new Date(t.expiresAt).getTime()) return null;
    const scope = { tenantId: t.tenantId, userId: t.userId };
    const verdict = await this.deps.uow.transaction(async (repos) => {
      const released = await repos.tokenRedemptions.find(t.tokenId);
      if (!released || released.redemptionId !== r.redemptionId || released.processorId !== r.processorId) return 'none';
      if (now.getTime() >= released.redeemedAt.getTime() + window) return 'none';
      if (epochsMoved(t.epochs, await repos.revocationEpochs.readKeys(Object.keys(t.epochs)))) return 'revoked';
      await repos.audit.append({ ...serviceEvent(r.actor, 'payment_token.redeem', t.tokenId, 'success', scope), reason: 'repeat' });
      return 'repeated';
    });
    if (verdict === 'revoked') return this.denied(r, t, 'revoked');
    return verdict === 'repeated' ? { jwe: t.jwe, kid: t.kid, invoice: t.invoice } : null;
  }

  /** The one 404 of every refused redeem, audited with its reason. */
  private async denied(r: RedeemRequest, t: StoredToken | null, reason: string): Promise<never> {
    const scope = t ? { tenantId: t.tenantId, userId: t.userId } : {};
    await this.deps.uow.repos.audit.append({ ...serviceEvent(r.actor, 'payment_token.redeem', t?.tokenId ?? null, 'denied', scope), reason });
    throw new ClientError('token_not_found');
  }
}

/** A well-formed redeem: who asks, for which token (by hash), with which redemption id (null: none given). */
interface RedeemRequest {
  readonly actor: ServiceActor;
  readonly processorId: string;
  readonly tokenHash: string;
  readonly redemptionId: string | null;
}
