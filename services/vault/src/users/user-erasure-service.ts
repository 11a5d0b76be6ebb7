import { serviceEvent } from '../audit/audit-event.ts';
import { ClientError } from '../errors/vault-error.ts';
import type { ServiceActor } from '../identity/actor.ts';
import { IDENTIFIER } from '../identity/user-assertion.ts';
import type { RevocationEpochRepository } from '../payment-policy/revocation-epochs.ts';
import type { AuditedUnitOfWork } from '../audit/audited-unit-of-work.ts';
import type { UserDataRepository } from './user-data-repository.ts';

/** The repositories these rules read and write (with the audit store, which every service has). */
export interface UserErasureRepositories {
  readonly userData: UserDataRepository;
  readonly revocationEpochs: RevocationEpochRepository;
}

/** What an erasure answers: how much was removed, by kind. */
export interface ErasureCounts {
  readonly tenantId: string;
  readonly userId: string;
  readonly cards: number;
  readonly billingProfiles: number;
  readonly cardSessions: number;
}

/**
 * GDPR erasure of one user's data by an admin, one audited operation: the user's outstanding payment tokens are
 * revoked (the user's revocation epoch and each card's, bumped in the deletion's transaction), and
 * cards, billing profiles and card-entry sessions are deleted in one transaction with one `user.erase` audit
 * event holding only ids and counts. The audit log itself is kept (append-only; its rows hold ids and codes,
 * never a name, an address or card data), as the law allows for records of processing.
 */
export class UserErasureService {
  constructor(
    private readonly uow: AuditedUnitOfWork<UserErasureRepositories>,
  ) {}

  async erase(actor: ServiceActor, tenantId: string, userId: string): Promise<ErasureCounts> {
    for (const [path, value] of [['tenantId', tenantId], ['userId', userId]] as const) {
      if (!IDENTIFIER.test(value)) throw new ClientError('invalid_request', [{ path, code: 'invalid_identifier' }]);
    }
    const owner = { tenantId, userId };
    const erased = await this.uow.transaction(async (repos) => {
      const done = await repos.userData.erase(owner);
      // The user's epoch revokes every token that recorded it; each card's epoch also revokes tokens issued by an
      // older instance during a rolling deploy, which recorded only the card's.
      await repos.revocationEpochs.bump({ kind: 'user', tenantId, userId });
      for (const cardId of done.cardIds) await repos.revocationEpochs.bump({ kind: 'card', tenantId, userId, cardId });
      await repos.audit.append({
        ...serviceEvent(actor, 'user.erase', userId, 'success', { tenantId, userId }),
        reason: `cards=${done.cardIds.length} billing_profiles=${done.billingProfiles} card_sessions=${done.cardSessions}`,
      });
      return done;
    });
    return { tenantId, userId, cards: erased.cardIds.length, billingProfiles: erased.billingProfiles, cardSessions: erased.cardSessions };
  }
}
