import type { NewPaymentSession, PaymentSessionRecord, PaymentSessionRepository } from '../../../services/vault/src/payment-sessions/payment-session-repository.ts';
import { uniqueViolation, type Binding, type StoredPaymentSession } from './in-memory-tables.ts';
import type { Owner } from '../../../services/vault/src/identity/actor.ts';

/** What the SQL repository selects: never the secret hash; the invoice read back from JSONB (a copy, as JSON keeps it). */
function view(s: StoredPaymentSession): PaymentSessionRecord {
  const { secretHash: _secretHash, confirmedAt: _confirmedAt, ...record } = s;
  return { ...record, invoice: JSON.parse(JSON.stringify(s.invoice)) };
}

/** An open session is live until `expiresAt` (exclusive); `expired` is never stored. */
const openAt = (s: StoredPaymentSession, now: Date) => s.state === 'open' && s.expiresAt > now;

/**
 * `payment_sessions` in memory: looked up by secret hash (unique) while unexpired, owner-scoped by id; open →
 * confirmed (once, while unexpired) or failed (by code, or at the last wrong-format security code). `lockOwner`
 * has nothing to do: the unit of work runs one transaction at a time, which is what the advisory lock gives the cap.
 */
export class InMemoryPaymentSessionRepository implements PaymentSessionRepository {
  constructor(private readonly b: Binding) {}

  async insert(session: NewPaymentSession): Promise<void> {
    const table = this.b.db.paymentSessions;
    if (table.get(session.id)) throw uniqueViolation('payment_sessions_pkey');
    if (table.rows().some((s) => s.secretHash === session.secretHash)) throw uniqueViolation('payment_sessions_secret_hash_key');
    const row: StoredPaymentSession = {
      ...session,
      invoice: JSON.parse(JSON.stringify(session.invoice)),
      state: 'open',
      failedCode: null,
      cvcFailures: 0,
      tokenId: null,
      tokenExpiresAt: null,
      confirmedAt: null,
    };
    table.put(session.id, row, this.b.journal);
  }

  async findOwned(owner: Owner, id: string): Promise<PaymentSessionRecord | null> {
    const s = this.b.db.paymentSessions.get(id);
    return s && s.tenantId === owner.tenantId && s.userId === owner.userId ? view(s) : null;
  }

  async findUnexpired(secretHash: string, now: Date): Promise<PaymentSessionRecord | null> {
    const s = this.b.db.paymentSessions.rows().find((r) => r.secretHash === secretHash);
    return s && s.expiresAt > now ? view(s) : null;
  }

  async liveExpiries(owner: Owner, now: Date): Promise<Date[]> {
    return this.b.db.paymentSessions
      .rows()
      .filter((s) => s.tenantId === owner.tenantId && s.userId === owner.userId && openAt(s, now))
      .map((s) => s.expiresAt)
      .sort((a, b) => a.getTime() - b.getTime());
  }

  async lockOwner(): Promise<void> {
    this.b.journal?.assertOpen();
  }

  async confirm(id: string, tokenId: string, tokenExpiresAt: Date, now: Date): Promise<boolean> {
    const s = this.b.db.paymentSessions.get(id);
    if (!s || !openAt(s, now)) return false;
    this.b.db.paymentSessions.put(id, { ...s, state: 'confirmed', tokenId, tokenExpiresAt, confirmedAt: now }, this.b.journal);
    return true;
  }

  async countCvcFailure(id: string, max: number, code: string, now: Date): Promise<number | null> {
    const s = this.b.db.paymentSessions.get(id);
    if (!s || !openAt(s, now)) return null;
    const cvcFailures = s.cvcFailures + 1;
    const last = cvcFailures >= max;
    this.b.db.paymentSessions.put(id, { ...s, cvcFailures, state: last ? 'failed' : s.state, failedCode: last ? code : s.failedCode }, this.b.journal);
    return cvcFailures;
  }

  /** Unlike `confirm`, any open session, expired or not (the SQL's WHERE has no expiry). */
  async fail(id: string, code: string): Promise<boolean> {
    const s = this.b.db.paymentSessions.get(id);
    if (!s || s.state !== 'open') return false;
    this.b.db.paymentSessions.put(id, { ...s, state: 'failed', failedCode: code }, this.b.journal);
    return true;
  }
}
