import { actorEvent as event } from '../audit/audit-event.ts';
import { auditedDecrypt } from '../audit/audited-decrypt.ts';
import type { BillingProfileService } from '../billing-profiles/billing-profile-service.ts';
import type { Envelope } from '../crypto/envelope.ts';
import type { Fingerprinter } from '../crypto/fingerprint.ts';
import { hashBearerSecret, newId } from '../crypto/secret-hash.ts';
import type { Pan } from '../crypto/secret.ts';
import { parseInput } from '../errors/parse-input.ts';
import { ClientError } from '../errors/vault-error.ts';
import { type Actor, ownerOf } from '../identity/actor.ts';
import { isUniqueViolation } from '../storage/database-errors.ts';
import type { AuditedUnitOfWork } from '../audit/audited-unit-of-work.ts';
import type { WriteOutcome } from '../idempotency/write-outcome.ts';
import { cardIdSchema, createCardSchema, DEFAULT_PAGE_SIZE, listCardsQuerySchema, patchCardSchema } from './card-input.ts';
import { toCardView, type CardRecord, type CardView } from './card-record.ts';
import type { CardChanges, CardFromSession, StoredFromSession, CardRepository } from './card-repository.ts';
import { openPan, sealPan } from './card-secret.ts';
import { checkExpiry } from './expiry.ts';
import { parsePan } from './pan.ts';
import type { CardSessionRepository } from '../card-sessions/card-session-repository.ts';
import type { RevocationEpochRepository } from '../payment-policy/revocation-epochs.ts';
import type { IdempotencyRecordRepository } from '../idempotency/idempotency-record-repository.ts';

/** The repositories these rules read and write (with the audit store, which every service has). */
export interface CardRepositories {
  readonly cards: CardRepository;
  readonly cardSessions: CardSessionRepository;
  readonly idempotency: IdempotencyRecordRepository;
  readonly revocationEpochs: RevocationEpochRepository;
}

/** The actor name recorded for requests from the hosted card form on the public listener. */
export const CARD_FORM_ACTOR = 'card-form';

export interface CardServiceDeps {
  readonly uow: AuditedUnitOfWork<CardRepositories>;
  readonly envelope: Envelope;
  readonly fingerprinter: Fingerprinter;
  readonly billingProfiles: BillingProfileService;
  /** Cards one user may hold; adding one more answers 409 `card_limit_reached`. */
  readonly maxCardsPerUser?: number;
  readonly now?: () => Date;
}

/** Cards: stored encrypted, shown only masked, and only ever to their owner. */
export class CardService {
  private readonly now: () => Date;
  constructor(private readonly deps: CardServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * `POST /v1/cards` from the hosted form: the card-entry session secret names the user. Input is validated
   * before the session is spent, so a typo does not burn it; the session, the card, an inline billing profile
   * and the audit event commit together (with `outcome`, so does the idempotency record).
   */
  async createFromSession(secret: string | null, body: unknown, requestId: string, outcome?: WriteOutcome<CardView>): Promise<CardView> {
    const { uow } = this.deps;
    const now = this.now();
    const session = secret ? await uow.repos.cardSessions.findUsable(hashBearerSecret(secret), now) : null;
    // Not audited one by one: an anonymous caller must not be able to grow the append-only log at will. The
    // public listener's failed-secret throttle counts these and audits one aggregated event per source.
    if (!session) throw new ClientError('unauthenticated');
    const actor: Actor = {
      service: CARD_FORM_ACTOR,
      requestId,
      user: { tenantId: session.tenantId, userId: session.userId, groupId: session.groupId },
    };
    const owner = ownerOf(actor);
    const input = parseInput(createCardSchema, body);
    const { pan, brand, bin, last4 } = parsePan(input.number);
    const expiry = checkExpiry({ month: input.expMonth, year: input.expYear }, now);
    const billingProfileId = input.billingProfileId ?? (input.billingAddress ? null : session.billingProfileId);
    if (billingProfileId) await this.deps.billingProfiles.findOwnedOrDeny(actor, billingProfileId, 'card.create');
    const newProfile = input.billingAddress ? await this.deps.billingProfiles.seal(owner, input.billingAddress) : null;

    const id = newId('card_');
    const sealed = await sealPan(this.deps.envelope, { id, ...owner }, pan);
    const linkedProfileId = newProfile?.id ?? billingProfileId;
    // Under every loaded fingerprint key: during a fingerprint-key rotation a card stored under the old key
    // is still found, and moved to the current one.
    const fingerprints = this.deps.fingerprinter.allFingerprints(owner.tenantId, pan);
    const add: CardFromSession = {
      sessionId: session.id,
      now,
      card: {
        id,
        ...owner,
        billingProfileId: linkedProfileId ?? null,
        brand,
        bin,
        last4,
        expMonth: expiry.month,
        expYear: expiry.year,
        cardholderName: input.cardholderName,
        fingerprint: fingerprints[0]!,
        fingerprintKeyVersion: this.deps.fingerprinter.keyVersion,
        ciphertext: sealed.ciphertext,
        keyVersion: sealed.keyVersion,
      },
      setBillingProfile: linkedProfileId !== null,
      olderFingerprints: fingerprints.slice(1),
      newProfile,
      maxCards: this.deps.maxCardsPerUser ?? null,
      audit: event(actor, 'card.create', null),
    };
    // One statement, its own transaction; with an idempotency key, inside the transaction that records it.
    const write = (): Promise<CardView> =>
      outcome ? uow.transaction((repos) => this.stored(repos.cards.storeFromSession(add)), outcome) : this.stored(uow.repos.cards.storeFromSession(add));
    try {
      // The same PAN inserted twice at once: the loser's transaction fails on the unique key; its retry finds the row.
      return await write().catch((err: unknown) => (isUniqueViolation(err) ? write() : Promise.reject(err)));
    } catch (err) {
      if (err instanceof ClientError && err.code === 'unauthenticated') {
        await uow.repos.audit.append({ ...event(actor, 'card.create', null), outcome: 'denied', reason: 'session_already_used' });
      }
      throw err;
    }
  }

  /** A card add's answer: the masked card (`duplicate` when it was already stored), or its refusal. */
  private async stored(result: Promise<StoredFromSession>): Promise<CardView> {
    const stored = await result;
    /* Precondition: a user holds at most maxCardsPerUser cards; a duplicate updates a card and adds none. */
    if (stored.kind === 'card_limit_reached') throw new ClientError('card_limit_reached');
    /* Precondition: single use; a second request racing on the same secret loses and changes nothing. */
    if (stored.kind === 'session_used') throw new ClientError('unauthenticated');
    const view = toCardView(stored.card);
    return stored.created ? view : { ...view, duplicate: true as const };
  }

  /** One page of the owner's cards, masked; `hasMore` says whether another page follows (never a silent cut). */
  async list(actor: Actor, query: unknown = {}): Promise<{ data: CardView[]; hasMore: boolean }> {
    const { repos } = this.deps.uow;
    const owner = ownerOf(actor);
    const page = parseInput(listCardsQuerySchema, query);
    const limit = page.limit ?? DEFAULT_PAGE_SIZE;
    let after: CardRecord | null = null;
    if (page.startingAfter !== undefined) {
      after = cardIdSchema.safeParse(page.startingAfter).success ? await repos.cards.findOwned(owner, page.startingAfter) : null;
      /* Precondition: a cursor must be one of the caller's own cards (never a way to probe other ids). */
      if (!after) throw new ClientError('invalid_request', [{ path: 'startingAfter', code: 'unknown_cursor' }]);
    }
    const rows = await this.deps.uow.audited([event(actor, 'card.list', null)], (audited) =>
      audited.cards.listOwned(owner, { limit: limit + 1, ...(after ? { after } : {}) }),
    );
    return { data: rows.slice(0, limit).map(toCardView), hasMore: rows.length > limit };
  }

  async get(actor: Actor, id: string): Promise<CardView> {
    const card = await this.findOwnedOrDeny(actor, id, 'card.read');
    await this.deps.uow.repos.audit.append(event(actor, 'card.read', card.id));
    return toCardView(card);
  }

  async patch(actor: Actor, id: string, body: unknown): Promise<CardView> {
    const patch = parseInput(patchCardSchema, body);
    await this.findOwnedOrDeny(actor, id, 'card.update');
    const changes: { -readonly [K in keyof CardChanges]: CardChanges[K] } = {};
    if (patch.expMonth !== undefined && patch.expYear !== undefined) {
      const expiry = checkExpiry({ month: patch.expMonth, year: patch.expYear }, this.now());
      Object.assign(changes, { expMonth: expiry.month, expYear: expiry.year });
    }
    if (patch.cardholderName !== undefined) changes.cardholderName = patch.cardholderName;
    if (patch.billingProfileId !== undefined) {
      if (patch.billingProfileId !== null) await this.deps.billingProfiles.findOwnedOrDeny(actor, patch.billingProfileId, 'card.update');
      changes.billingProfileId = patch.billingProfileId;
    }
    const updated = await this.deps.uow.transaction(async (repos) => {
      const row = await repos.cards.updateOwned(ownerOf(actor), id, changes);
      if (row) await repos.audit.append(event(actor, 'card.update', id));
      return row;
    });
    if (!updated) throw new ClientError('card_not_found');
    return toCardView(updated);
  }

  /**
   * Deletes the card and its ciphertext, and revokes its outstanding tokens: the card's revocation epoch is
   * bumped in the delete's transaction (both commit or neither), so no token issued before survives.
   */
  async delete(actor: Actor, id: string): Promise<void> {
    const owner = ownerOf(actor);
    await this.findOwnedOrDeny(actor, id, 'card.delete');
    const deleted = await this.deps.uow.transaction(async (repos) => {
      const done = await repos.cards.deleteOwned(owner, id);
      if (done) {
        await repos.revocationEpochs.bump({ kind: 'card', tenantId: owner.tenantId, userId: owner.userId, cardId: id });
        await repos.audit.append(event(actor, 'card.delete', id));
      }
      return done;
    });
    if (!deleted) throw new ClientError('card_not_found');
  }

  /**
   * The PAN of the caller's own card, for the payment-token path, which audits the access (`card.decrypt`) with
   * its own outcome. Context-checked: a ciphertext copied from another row does not open, and that failure is
   * audited here.
   */
  openPan(actor: Actor, card: CardRecord): Promise<Pan> {
    return auditedDecrypt(this.deps.uow.repos.audit, event(actor, 'card.decrypt', card.id), () => openPan(this.deps.envelope, card));
  }

  /** The caller's own card, or 404 `card_not_found` recorded as a denial (outside any transaction). */
  async findOwnedOrDeny(actor: Actor, id: string, action: string): Promise<CardRecord> {
    const wellFormed = cardIdSchema.safeParse(id).success;
    return this.ownedOrDeny(actor, id, wellFormed ? await this.deps.uow.repos.cards.findOwned(ownerOf(actor), id) : null, action);
  }

  /** `card` (the caller's card with that id, looked up already), or 404 `card_not_found` recorded as a denial. */
  async ownedOrDeny(actor: Actor, id: string, card: CardRecord | null, action: string): Promise<CardRecord> {
    if (!card) {
      // A malformed id is not recorded: it is caller input and could hold anything, a PAN included.
      const wellFormed = cardIdSchema.safeParse(id).success;
      await this.deps.uow.repos.audit.append({ ...event(actor, action, wellFormed ? id : null, 'denied'), reason: 'card_not_found' });
      throw new ClientError('card_not_found');
    }
    return card;
  }
}
