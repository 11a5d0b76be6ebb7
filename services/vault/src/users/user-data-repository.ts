import { lockOwnerForTransaction } from '../storage/owner-lock.ts';
import { statement, type Sql } from '../storage/sql.ts';
import type { Owner } from '../identity/actor.ts';

/** What an erasure removed, by kind; the cards by id (their tokens are revoked by card too). */
export interface ErasedUserData {
  readonly cardIds: readonly string[];
  readonly billingProfiles: number;
  readonly cardSessions: number;
}

/** Everything the vault holds for one user, for GDPR erasure (art. 17). */
export interface UserDataRepository {
  /**
   * Deletes the user's cards, billing profiles and card-entry sessions (a live form session included, so no card
   * can be added through it afterwards), and their payment sessions and invoice-payment records (which name their
   * cards, payees and amounts; an open pay form can confirm nothing afterwards). Run inside a transaction: it takes the owner's card-write lock, so a card
   * being added concurrently is either erased too or added after.
   */
  erase(owner: Owner): Promise<ErasedUserData>;
}

/** The lock namespace of card writes (CardRepository's and the store function's). */
const CARD_WRITES = 'cards';
const OWNER = '"tenant_id" = $1 AND "user_id" = $2';
const DELETE_CARDS = statement('user_data_delete_cards', `DELETE FROM "cards" WHERE ${OWNER} RETURNING "id"`);
const DELETE_PROFILES = statement('user_data_delete_billing_profiles', `DELETE FROM "billing_profiles" WHERE ${OWNER}`);
const DELETE_SESSIONS = statement('user_data_delete_card_sessions', `DELETE FROM "card_entry_sessions" WHERE ${OWNER}`);
const DELETE_PAYMENT_SESSIONS = statement('user_data_delete_payment_sessions', `DELETE FROM "payment_sessions" WHERE ${OWNER}`);
const DELETE_INVOICE_PAYMENTS = statement('user_data_delete_invoice_payments', `DELETE FROM "invoice_payments" WHERE ${OWNER}`);

export class SqlUserDataRepository implements UserDataRepository {
  constructor(private readonly sql: Sql) {}

  async erase(owner: Owner): Promise<ErasedUserData> {
    await lockOwnerForTransaction(this.sql, CARD_WRITES, owner);
    const params = [owner.tenantId, owner.userId];
    const cardIds = (await this.sql.rows<{ id: string }>(DELETE_CARDS, params)).map((r) => r.id).sort();
    const billingProfiles = await this.sql.count(DELETE_PROFILES, params);
    const cardSessions = await this.sql.count(DELETE_SESSIONS, params);
    await this.sql.count(DELETE_PAYMENT_SESSIONS, params);
    await this.sql.count(DELETE_INVOICE_PAYMENTS, params);
    return { cardIds, billingProfiles, cardSessions };
  }
}
