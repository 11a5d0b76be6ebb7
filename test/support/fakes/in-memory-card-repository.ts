import type { CardRecord, CardSummary } from '../../../services/vault/src/cards/card-record.ts';
import type { CardAdd, CardChanges, CardFromSession, CardRepository, NewCard, StoredFromSession } from '../../../services/vault/src/cards/card-repository.ts';
import { InMemoryAuditStore } from './in-memory-audit-store.ts';
import { InMemoryBillingProfileRepository } from './in-memory-billing-profile-repository.ts';
import { InMemoryCardSessionRepository } from './in-memory-card-session-repository.ts';
import { byCreation, foreignKeyViolation, Journal, uniqueViolation, type Binding } from './in-memory-tables.ts';
import type { Owner } from '../../../services/vault/src/identity/actor.ts';

const owns = (owner: Owner) => (card: CardRecord) => card.tenantId === owner.tenantId && card.userId === owner.userId;

/** Prisma ignores a member set to `undefined` in `data`; so must the fake. */
function defined<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * `cards` in memory: owner-scoped lookups, one fingerprint per owner (the unique index), the billing-profile
 * foreign key, and `version`/`updatedAt` moved by every update. `lockOwner` has nothing to do: the unit of
 * work runs one transaction at a time.
 */
export class InMemoryCardRepository implements CardRepository {
  constructor(private readonly b: Binding) {}

  async findOwned(owner: Owner, id: string): Promise<CardRecord | null> {
    const card = this.b.db.cards.get(id);
    return card && owns(owner)(card) ? { ...card } : null;
  }

  async findByAnyFingerprint(owner: Owner, fingerprints: readonly string[]): Promise<CardRecord | null> {
    const card = this.owned(owner).find((c) => fingerprints.includes(c.fingerprint));
    return card ? { ...card } : null;
  }

  async listOwned(owner: Owner, page: { readonly limit: number; readonly after?: Pick<CardRecord, 'id' | 'createdAt'> }): Promise<CardSummary[]> {
    const { after } = page;
    return this.owned(owner)
      .filter((c) => !after || byCreation(c, after) > 0)
      .sort(byCreation)
      .slice(0, page.limit)
      .map(({ ciphertext: _c, keyVersion: _k, fingerprintKeyVersion: _f, version: _v, ...summary }) => summary);
  }

  async countOwned(owner: Owner): Promise<number> {
    return this.owned(owner).length;
  }

  /** The steps the database function takes, one add at a time, undone together when one refuses. */
  async storeFromSession(add: CardFromSession): Promise<StoredFromSession> {
    return this.oneAddAtATime(async (b, cards) => {
      const result = await cards.merge(add, false);
      if (result.created && add.maxCards !== null && (await cards.countOwned(add.card)) > add.maxCards) return { kind: 'card_limit_reached' };
      if (!(await new InMemoryCardSessionRepository(b).consume(add.sessionId, result.card.id, add.now))) return { kind: 'session_used' };
      await new InMemoryAuditStore(b).append({ ...add.audit, target: result.card.id, reason: result.created ? null : 'duplicate' });
      return { kind: 'stored', ...result };
    }, (stored) => stored.kind === 'stored');
  }

  /** `vault_add_card` for an import: the merge alone, a card that already existed keeping its billing profile. */
  async addOrMerge(add: CardAdd): Promise<{ card: CardRecord; created: boolean }> {
    return this.oneAddAtATime((_, cards) => cards.merge(add, true));
  }

  /**
   * Runs `steps` under the owner's lock (here: every card add's), all or nothing: a result `kept` refuses, or an
   * error, undoes every write `steps` made, as the database function's exception does.
   */
  private async oneAddAtATime<T>(steps: (b: Binding, cards: InMemoryCardRepository) => Promise<T>, kept: (result: T) => boolean = () => true): Promise<T> {
    const release = await this.b.db.cardAdds.lock();
    const own = this.b.journal === null ? new Journal() : null;
    const b: Binding = { ...this.b, journal: own ?? this.b.journal };
    try {
      const result = await steps(b, new InMemoryCardRepository(b));
      if (kept(result)) own?.commit();
      else own?.rollback();
      return result;
    } catch (err) {
      own?.rollback();
      throw err;
    } finally {
      release();
    }
  }

  /**
   * The merge (`vault_add_card`): a card under an older fingerprint is moved, else inserted or a duplicate updated;
   * the billing profile goes to whichever card the add lands on, or (`newCardOnly`) with a new card only.
   */
  private async merge(add: CardAdd, newCardOnly: boolean): Promise<{ card: CardRecord; created: boolean }> {
    const { card } = add;
    const linkAny = add.setBillingProfile && !newCardOnly;
    const changes: CardChanges = {
      expMonth: card.expMonth,
      expYear: card.expYear,
      cardholderName: card.cardholderName,
      ...(linkAny ? { billingProfileId: card.billingProfileId } : {}),
    };
    const profiles = new InMemoryBillingProfileRepository(this.b);
    if (add.newProfile && !newCardOnly) await profiles.insert(add.newProfile);
    const older = add.olderFingerprints.length ? await this.findByAnyFingerprint(card, add.olderFingerprints) : null;
    const moved = older ? await this.updateOwned(card, older.id, { ...changes, fingerprint: card.fingerprint, fingerprintKeyVersion: card.fingerprintKeyVersion }) : null;
    if (moved) return { card: moved, created: false };
    const result = await this.insertOrUpdateDuplicate({ ...card, billingProfileId: linkAny ? card.billingProfileId : null }, changes);
    if (!result.created || !newCardOnly) return result;
    // A new card takes the profile now, still at its first version.
    if (add.newProfile) await profiles.insert(add.newProfile);
    if (!add.setBillingProfile) return result;
    this.checkBillingProfile(card.billingProfileId);
    const linked: CardRecord = { ...result.card, billingProfileId: card.billingProfileId };
    this.b.db.cards.put(linked.id, linked, this.b.journal);
    return { card: { ...linked }, created: true };
  }

  async insertOrUpdateDuplicate(card: NewCard, onDuplicate: CardChanges): Promise<{ card: CardRecord; created: boolean }> {
    const existing = this.owned(card).find((c) => c.fingerprint === card.fingerprint);
    if (existing) return { card: this.update(existing, onDuplicate), created: false };
    if (this.b.db.cards.get(card.id)) throw uniqueViolation('cards_pkey');
    this.checkBillingProfile(card.billingProfileId);
    const now = this.b.now();
    const row: CardRecord = { ...card, ciphertext: new Uint8Array(card.ciphertext), version: 1, createdAt: now, updatedAt: now };
    this.b.db.cards.put(row.id, row, this.b.journal);
    return { card: { ...row }, created: true };
  }

  async updateOwned(owner: Owner, id: string, changes: CardChanges): Promise<CardRecord | null> {
    const card = this.b.db.cards.get(id);
    return card && owns(owner)(card) ? this.update(card, changes) : null;
  }

  async deleteOwned(owner: Owner, id: string): Promise<boolean> {
    const card = this.b.db.cards.get(id);
    return card !== undefined && owns(owner)(card) && this.b.db.cards.delete(id, this.b.journal);
  }

  async countUsingBillingProfile(billingProfileId: string): Promise<number> {
    return this.b.db.cards.rows().filter((c) => c.billingProfileId === billingProfileId).length;
  }

  private owned(owner: Owner): CardRecord[] {
    return this.b.db.cards.rows().filter(owns(owner));
  }

  private update(card: CardRecord, changes: CardChanges): CardRecord {
    const set = defined(changes);
    if (set.fingerprint !== undefined && this.owned(card).some((c) => c.id !== card.id && c.fingerprint === set.fingerprint)) {
      throw uniqueViolation('cards_tenant_id_user_id_fingerprint_key');
    }
    if (set.billingProfileId !== undefined) this.checkBillingProfile(set.billingProfileId);
    const row: CardRecord = { ...card, ...set, version: card.version + 1, updatedAt: this.b.now() };
    this.b.db.cards.put(row.id, row, this.b.journal);
    return { ...row };
  }

  private checkBillingProfile(id: string | null): void {
    if (id !== null && !this.b.db.billingProfiles.get(id)) throw foreignKeyViolation('cards_billing_profile_id_fkey');
  }
}
