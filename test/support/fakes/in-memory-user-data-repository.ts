import type { ErasedUserData, UserDataRepository } from '../../../services/vault/src/users/user-data-repository.ts';
import { invoicePaymentKey } from './in-memory-invoice-payment-repository.ts';
import type { Binding } from './in-memory-tables.ts';
import type { Owner } from '../../../services/vault/src/identity/actor.ts';

const owns = (owner: Owner) => (row: { readonly tenantId: string; readonly userId: string }) => row.tenantId === owner.tenantId && row.userId === owner.userId;

/** The user's rows, deleted from the in-memory tables (journaled, so a rolled-back transaction restores them). */
export class InMemoryUserDataRepository implements UserDataRepository {
  constructor(private readonly b: Binding) {}

  async erase(owner: Owner): Promise<ErasedUserData> {
    const { db, journal } = this.b;
    const cardIds = db.cards.rows().filter(owns(owner)).map((c) => c.id).sort();
    for (const id of cardIds) db.cards.delete(id, journal);
    const profiles = db.billingProfiles.rows().filter(owns(owner));
    for (const p of profiles) db.billingProfiles.delete(p.id, journal);
    const sessions = db.cardSessions.rows().filter(owns(owner));
    for (const s of sessions) db.cardSessions.delete(s.id, journal);
    for (const s of db.paymentSessions.rows().filter(owns(owner))) db.paymentSessions.delete(s.id, journal);
    for (const p of db.invoicePayments.rows().filter(owns(owner))) db.invoicePayments.delete(invoicePaymentKey(p, p), journal);
    return { cardIds, billingProfiles: profiles.length, cardSessions: sessions.length };
  }
}
