import { z } from 'zod';
import { actorEvent } from '../audit/audit-event.ts';
import { resourceId } from '../billing-profiles/billing-profile-input.ts';
import type { BillingProfileService } from '../billing-profiles/billing-profile-service.ts';
import { hashBearerSecret, newBearerSecret, newId } from '../crypto/secret-hash.ts';
import { parseInput } from '../errors/parse-input.ts';
import type { Actor } from '../identity/actor.ts';
import type { AuditedUnitOfWork } from '../audit/audited-unit-of-work.ts';
import type { WriteOutcome } from '../idempotency/write-outcome.ts';
import type { CardSessionRepository } from './card-session-repository.ts';
import type { IdempotencyRecordRepository } from '../idempotency/idempotency-record-repository.ts';
import { checkLiveSessionCap } from './live-session-cap.ts';

/** The repositories these rules read and write (with the audit store, which every service has). */
export interface CardSessionRepositories {
  readonly cardSessions: CardSessionRepository;
  readonly idempotency: IdempotencyRecordRepository;
}

export const createCardSessionSchema = z.object({ billingProfileId: resourceId('bp_').optional() }).strict();

export interface CardSessionCreated {
  readonly id: string;
  /** Shown once, to the backend that asked; only its SHA-256 is stored. */
  readonly clientSecret: string;
  readonly expiresAt: string;
  readonly formUrl: string;
}

export interface CardSessionSettings {
  readonly ttlSeconds: number;
  /** Origin of the public listener (a function: with an OS-chosen port it is known only after listening). */
  readonly publicBaseUrl: () => string;
  /** Live (unused, unexpired) sessions one user may hold; one more answers 429 until the oldest expires. */
  readonly maxLivePerUser: number;
}

/**
 * Card-entry sessions: a backend acting for a signed-in user asks for one; the browser's hosted form uses its
 * secret, once, within the TTL, to add one card for that user. The secret never appears in a URL: the form
 * receives it by postMessage.
 */
export class CardSessionService {
  constructor(
    private readonly uow: AuditedUnitOfWork<CardSessionRepositories>,
    private readonly billingProfiles: BillingProfileService,
    private readonly settings: CardSessionSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** How long a session lives: also how long the record of its creation (it holds the secret) may be kept. */
  get ttlSeconds(): number {
    return this.settings.ttlSeconds;
  }

  /** With `outcome`, the session and its idempotency record commit together. */
  async create(actor: Actor, body: unknown, outcome?: WriteOutcome<CardSessionCreated>): Promise<CardSessionCreated> {
    const input = parseInput(createCardSessionSchema, body ?? {});
    if (input.billingProfileId) await this.billingProfiles.findOwnedOrDeny(actor, input.billingProfileId, 'card_session.create');
    const id = newId('cs_');
    const clientSecret = newBearerSecret(`${id}_secret_`);
    const expiresAt = new Date(this.now().getTime() + this.settings.ttlSeconds * 1000);
    const created: CardSessionCreated = { id, clientSecret, expiresAt: expiresAt.toISOString(), formUrl: `${this.settings.publicBaseUrl()}/v1/card-form` };
    return this.uow.transaction(async (repos) => {
      const owner = { tenantId: actor.user.tenantId, userId: actor.user.userId };
      await repos.cardSessions.lockOwner(owner);
      /* Precondition: a user cannot pile up open card-entry sessions (each is a live bearer secret). */
      const now = this.now();
      checkLiveSessionCap(await repos.cardSessions.liveExpiries(owner, now), this.settings.maxLivePerUser, now);
      await repos.cardSessions.insert({
        id,
        secretHash: hashBearerSecret(clientSecret),
        tenantId: actor.user.tenantId,
        userId: actor.user.userId,
        groupId: actor.user.groupId,
        billingProfileId: input.billingProfileId ?? null,
        createdBy: actor.service,
        expiresAt,
      });
      await repos.audit.append(actorEvent(actor, 'card_session.create', id));
      return created;
    }, outcome);
  }

  /**
   * The session a card-entry secret belongs to, used or not, while it has not expired: who an
   * `Idempotency-Key` on the public listener is scoped to, and for how long its record may be kept.
   */
  async scopeOf(secret: string): Promise<{ readonly id: string; readonly expiresAt: Date } | null> {
    const session = await this.uow.repos.cardSessions.findUnexpired(hashBearerSecret(secret), this.now());
    return session ? { id: session.id, expiresAt: session.expiresAt } : null;
  }
}
