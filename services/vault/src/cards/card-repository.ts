import { statement, type Sql } from '../storage/sql.ts';
import { ownerLockKey } from '../storage/owner-lock.ts';
import { canonicalBody, type AuditEventInput, type AuditRecord } from '../audit/audit-event.ts';
import type { NewBillingProfile } from '../billing-profiles/billing-profile-repository.ts';
import type { CardRecord, CardSummary } from './card-record.ts';
import type { Owner } from '../identity/actor.ts';

export type NewCard = Omit<CardRecord, 'version' | 'createdAt' | 'updatedAt'>;
export type CardChanges = Partial<Pick<CardRecord, 'expMonth' | 'expYear' | 'cardholderName' | 'billingProfileId' | 'fingerprint' | 'fingerprintKeyVersion'>>;

/** The only code that reads or writes the `cards` table. Every lookup is scoped to its owner. */
export interface CardRepository {
  findOwned(owner: Owner, id: string): Promise<CardRecord | null>;
  /** The owner's card with any of these fingerprints (one per loaded fingerprint key version). */
  findByAnyFingerprint(owner: Owner, fingerprints: readonly string[]): Promise<CardRecord | null>;
  /** Up to `limit` of the owner's cards in creation order, after the card `after` (a cursor) if given. */
  listOwned(owner: Owner, page: { readonly limit: number; readonly after?: Pick<CardRecord, 'id' | 'createdAt'> }): Promise<CardSummary[]>;
  /** How many cards the owner holds. */
  countOwned(owner: Owner): Promise<number>;
  /** Inserts, or — when the owner already holds this fingerprint — applies `onDuplicate` to that row (no merge rules). */
  insertOrUpdateDuplicate(card: NewCard, onDuplicate: CardChanges): Promise<{ card: CardRecord; created: boolean }>;
  updateOwned(owner: Owner, id: string, changes: CardChanges): Promise<CardRecord | null>;
  deleteOwned(owner: Owner, id: string): Promise<boolean>;
  countUsingBillingProfile(billingProfileId: string): Promise<number>;
  /**
   * Adds a card from a card-entry session, all or nothing: under the owner's lock, the inline billing profile (if
   * any) is inserted; a card under one of `olderFingerprints` is moved to the card's fingerprint and updated, else
   * the card is inserted or — the owner already holding its fingerprint — that card is updated; a new card past
   * `maxCards` is refused; the session is consumed (refused if already used or expired); and `audit` is written
   * with the stored card as its target (reason `duplicate` when the card already existed).
   */
  storeFromSession(add: CardFromSession): Promise<StoredFromSession>;
  /**
   * Adds a card from a card import, all or nothing, with the same merge as `storeFromSession`: under the owner's
   * lock, a card under one of `olderFingerprints` is moved to the card's fingerprint and updated, else the card is
   * inserted or — the owner already holding its fingerprint — that card is updated (expiry, name). Unlike the form,
   * a card that already existed keeps its own billing profile: `newProfile` is inserted, and `card.billingProfileId`
   * set (when `setBillingProfile`), with a new card only. No cap, no session, no audit event: the import writes its
   * own, with its batch.
   */
  addOrMerge(add: CardAdd): Promise<{ card: CardRecord; created: boolean }>;
}

/**
 * What a card add hands the merge (prisma/migrations/20261207200000_card_add_function, `vault_add_card`): everything
 * computed (and encrypted) before the one write.
 */
export interface CardAdd {
  /** The new card; its `billingProfileId` applies only when `setBillingProfile`. */
  readonly card: NewCard;
  /** Whether the add names a billing profile (set on a new, duplicate or moved card alike by the form). */
  readonly setBillingProfile: boolean;
  /** The card's fingerprints under older fingerprint keys still loaded. */
  readonly olderFingerprints: readonly string[];
  readonly newProfile: NewBillingProfile | null;
}

/** A card add from the hosted form. */
export interface CardFromSession extends CardAdd {
  readonly sessionId: string;
  readonly now: Date;
  readonly maxCards: number | null;
  /** The `card.create` event; its target and reason are the write's. */
  readonly audit: AuditEventInput;
}

export type StoredFromSession =
  | { readonly kind: 'stored'; readonly card: CardRecord; readonly created: boolean }
  | { readonly kind: 'card_limit_reached' }
  | { readonly kind: 'session_used' };

const COLUMNS: ReadonlyArray<readonly [column: string, field: keyof CardRecord]> = [
  ['id', 'id'], ['tenant_id', 'tenantId'], ['user_id', 'userId'], ['billing_profile_id', 'billingProfileId'], ['brand', 'brand'],
  ['bin', 'bin'], ['last4', 'last4'], ['exp_month', 'expMonth'], ['exp_year', 'expYear'], ['cardholder_name', 'cardholderName'],
  ['fingerprint', 'fingerprint'], ['fingerprint_key_version', 'fingerprintKeyVersion'], ['ciphertext', 'ciphertext'],
  ['key_version', 'keyVersion'], ['version', 'version'], ['created_at', 'createdAt'], ['updated_at', 'updatedAt'],
];
/**
 * A card's columns as `CardRecord` fields (each named `prefix` + field), read from `source` (a table, or a row
 * value such as `(r."card")`).
 */
export const cardColumns = (source: string, prefix = '') => COLUMNS.map(([column, field]) => `${source}."${column}" AS "${prefix}${field}"`).join(', ');
const CARD = cardColumns('"cards"');
/** A listing reads no ciphertext (a page of them was ~3 KB to move and decode per request). */
const SUMMARY = COLUMNS.filter(([, field]) => !['ciphertext', 'keyVersion', 'fingerprintKeyVersion', 'version'].includes(field))
  .map(([column, field]) => `"${column}" AS "${field}"`)
  .join(', ');
const OWNER = `"tenant_id" = $1 AND "user_id" = $2`;

const FIND = statement('cards_find', `SELECT ${CARD} FROM "cards" WHERE "id" = $3 AND ${OWNER}`);
const FIND_BY_FINGERPRINT = statement('cards_find_by_fingerprint', `SELECT ${CARD} FROM "cards" WHERE ${OWNER} AND "fingerprint" = ANY($3::text[]) LIMIT 1`);
const LIST = statement('cards_list', `SELECT ${SUMMARY} FROM "cards" WHERE ${OWNER} ORDER BY "created_at", "id" LIMIT $3`);
const LIST_AFTER = statement(
  'cards_list_after',
  `SELECT ${SUMMARY} FROM "cards" WHERE ${OWNER} AND ("created_at", "id") > ($4::timestamptz, $5) ORDER BY "created_at", "id" LIMIT $3`,
);
const COUNT = statement('cards_count', `SELECT count(*)::int AS "n" FROM "cards" WHERE ${OWNER}`);
const COUNT_USING_PROFILE = statement('cards_count_using_profile', 'SELECT count(*)::int AS "n" FROM "cards" WHERE "billing_profile_id" = $1');
const UPSERT = statement(
  'cards_upsert',
  `INSERT INTO "cards" ("id", "tenant_id", "user_id", "billing_profile_id", "brand", "bin", "last4", "exp_month", "exp_year",
     "cardholder_name", "fingerprint", "fingerprint_key_version", "ciphertext", "key_version")
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
   ON CONFLICT ("tenant_id", "user_id", "fingerprint") DO UPDATE SET
     "exp_month" = $15, "exp_year" = $16, "cardholder_name" = $17,
     "billing_profile_id" = CASE WHEN $18 THEN $19 ELSE "cards"."billing_profile_id" END,
     "version" = "cards"."version" + 1, "updated_at" = CURRENT_TIMESTAMP
   RETURNING ${CARD}`,
);
const UPDATE = statement(
  'cards_update',
  `UPDATE "cards" SET
     "exp_month" = CASE WHEN $4 THEN $5::int ELSE "exp_month" END,
     "exp_year" = CASE WHEN $6 THEN $7::int ELSE "exp_year" END,
     "cardholder_name" = CASE WHEN $8 THEN $9 ELSE "cardholder_name" END,
     "billing_profile_id" = CASE WHEN $10 THEN $11 ELSE "billing_profile_id" END,
     "fingerprint" = CASE WHEN $12 THEN $13 ELSE "fingerprint" END,
     "fingerprint_key_version" = CASE WHEN $14 THEN $15 ELSE "fingerprint_key_version" END,
     "version" = "version" + 1, "updated_at" = CURRENT_TIMESTAMP
   WHERE "id" = $3 AND ${OWNER}
   RETURNING ${CARD}`,
);
const DELETE = statement('cards_delete', `DELETE FROM "cards" WHERE "id" = $3 AND ${OWNER}`);
/**
 * prisma/migrations/20261126020000_store_card_function: every step of a card add from the form in one statement; its
 * merge is `vault_add_card`'s (20261207200000_card_add_function), the same one `ADD_OR_MERGE` runs for an import.
 */
const STORE_FROM_SESSION = statement(
  'cards_store_from_session',
  `SELECT ${cardColumns('(r."card")')}, r."created" FROM "vault_store_card"(
     $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::text[], $18, $19, $20, $21, $22, $23,
     $24, $25, $26, $27, $28, $29) r`,
);
const ADD_OR_MERGE = statement(
  'cards_add_or_merge',
  `SELECT ${cardColumns('(r."card")')}, r."created" FROM "vault_add_card"(
     $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::text[], $16, $17, $18, $19, $20, true) r`,
);
/** The audit body's target until the card's id is known (inside the statement). */
const TARGET_PLACEHOLDER = '@@card@@';
const CARD_LIMIT_REACHED = 'VA001';
const SESSION_USED = 'VA002';

/** A partial update's field as (present?, value): an absent field keeps its column's value. */
function given(value: unknown): [boolean, unknown] {
  return [value !== undefined, value ?? null];
}

export class SqlCardRepository implements CardRepository {
  constructor(
    private readonly sql: Sql,
    /** An audit event as the chain will hold it (chain and time chosen). */
    private readonly auditRecord: (event: AuditEventInput) => AuditRecord,
  ) {}

  async storeFromSession(add: CardFromSession): Promise<StoredFromSession> {
    const { card, newProfile } = add;
    const created = this.auditRecord({ ...add.audit, target: TARGET_PLACEHOLDER, reason: null });
    const duplicate = { ...created, reason: 'duplicate' };
    try {
      const [row] = await this.sql.rows<CardRecord & { created: boolean }>(STORE_FROM_SESSION, [
        ownerLockKey('cards', card), add.sessionId, add.now,
        card.id, card.tenantId, card.userId, card.brand, card.bin, card.last4, card.expMonth, card.expYear, card.cardholderName,
        add.setBillingProfile, card.billingProfileId,
        card.fingerprint, card.fingerprintKeyVersion, add.olderFingerprints, Buffer.from(card.ciphertext), card.keyVersion,
        newProfile?.id ?? null, newProfile ? Buffer.from(newProfile.ciphertext) : null, newProfile?.keyVersion ?? null,
        add.maxCards,
        created.chain, created.occurredAt, created.actorService, created.requestId, canonicalBody(created), canonicalBody(duplicate),
      ]);
      const { created: wasCreated, ...stored } = row!;
      return { kind: 'stored', card: stored, created: wasCreated };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === CARD_LIMIT_REACHED) return { kind: 'card_limit_reached' };
      if (code === SESSION_USED) return { kind: 'session_used' };
      throw err;
    }
  }

  async addOrMerge(add: CardAdd): Promise<{ card: CardRecord; created: boolean }> {
    const { card, newProfile } = add;
    const [row] = await this.sql.rows<CardRecord & { created: boolean }>(ADD_OR_MERGE, [
      ownerLockKey('cards', card),
      card.id, card.tenantId, card.userId, card.brand, card.bin, card.last4, card.expMonth, card.expYear, card.cardholderName,
      add.setBillingProfile, card.billingProfileId,
      card.fingerprint, card.fingerprintKeyVersion, add.olderFingerprints, Buffer.from(card.ciphertext), card.keyVersion,
      newProfile?.id ?? null, newProfile ? Buffer.from(newProfile.ciphertext) : null, newProfile?.keyVersion ?? null,
    ]);
    const { created, ...stored } = row!;
    return { card: stored, created };
  }

  async findOwned(owner: Owner, id: string): Promise<CardRecord | null> {
    return (await this.sql.rows<CardRecord>(FIND, [owner.tenantId, owner.userId, id]))[0] ?? null;
  }

  async findByAnyFingerprint(owner: Owner, fingerprints: readonly string[]): Promise<CardRecord | null> {
    return (await this.sql.rows<CardRecord>(FIND_BY_FINGERPRINT, [owner.tenantId, owner.userId, fingerprints]))[0] ?? null;
  }

  listOwned(owner: Owner, page: { readonly limit: number; readonly after?: Pick<CardRecord, 'id' | 'createdAt'> }): Promise<CardSummary[]> {
    const { after } = page;
    return after
      ? this.sql.rows<CardSummary>(LIST_AFTER, [owner.tenantId, owner.userId, page.limit, after.createdAt, after.id])
      : this.sql.rows<CardSummary>(LIST, [owner.tenantId, owner.userId, page.limit]);
  }

  async countOwned(owner: Owner): Promise<number> {
    return (await this.sql.rows<{ n: number }>(COUNT, [owner.tenantId, owner.userId]))[0]!.n;
  }

  async insertOrUpdateDuplicate(card: NewCard, onDuplicate: CardChanges): Promise<{ card: CardRecord; created: boolean }> {
    const [row] = await this.sql.rows<CardRecord>(UPSERT, [
      card.id, card.tenantId, card.userId, card.billingProfileId, card.brand, card.bin, card.last4, card.expMonth, card.expYear,
      card.cardholderName, card.fingerprint, card.fingerprintKeyVersion, Buffer.from(card.ciphertext), card.keyVersion,
      onDuplicate.expMonth ?? card.expMonth, onDuplicate.expYear ?? card.expYear, onDuplicate.cardholderName ?? card.cardholderName,
      onDuplicate.billingProfileId !== undefined, onDuplicate.billingProfileId ?? null,
    ]);
    return { card: row!, created: row!.id === card.id };
  }

  async updateOwned(owner: Owner, id: string, changes: CardChanges): Promise<CardRecord | null> {
    const [row] = await this.sql.rows<CardRecord>(UPDATE, [
      owner.tenantId, owner.userId, id,
      ...given(changes.expMonth), ...given(changes.expYear), ...given(changes.cardholderName),
      ...given(changes.billingProfileId), ...given(changes.fingerprint), ...given(changes.fingerprintKeyVersion),
    ]);
    return row ?? null;
  }

  async deleteOwned(owner: Owner, id: string): Promise<boolean> {
    return (await this.sql.count(DELETE, [owner.tenantId, owner.userId, id])) === 1;
  }

  async countUsingBillingProfile(billingProfileId: string): Promise<number> {
    return (await this.sql.rows<{ n: number }>(COUNT_USING_PROFILE, [billingProfileId]))[0]!.n;
  }
}
