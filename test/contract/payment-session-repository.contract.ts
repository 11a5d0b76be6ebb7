import { describe, expect, it } from 'vitest';
import type { NewPaymentSession } from '../../services/vault/src/payment-sessions/payment-session-repository.ts';
import { isUniqueViolation } from '../../services/vault/src/storage/database-errors.ts';
import type { Owner } from '../../services/vault/src/identity/actor.ts';
import { at, hex, newId, newOwner, type DatabaseSubject, type Subject } from './contract-subjects.ts';

const MINUTE = 60_000;

/** A session as the service opens one (random ids and secret hash, so files sharing the database never meet). */
export function newPaymentSession(owner: Owner, expiresAt: Date, overrides: Partial<NewPaymentSession> = {}): NewPaymentSession {
  const invoiceId = `INV-${hex(4)}`;
  return {
    id: newId('ps_'),
    secretHash: hex(32),
    ...owner,
    groupId: null,
    cardId: newId('card_'),
    processorId: 'xero-payments',
    partnerId: 'xero',
    invoiceId,
    invoice: { partnerId: 'xero', id: invoiceId, amount: 12_345, currency: 'EUR', merchantId: 'merchant-42', merchantName: 'Acme GmbH', dueDate: '2027-01-15' },
    invoiceJws: `eyJ.${hex(16)}.sig`,
    createdBy: 'payment-flow',
    expiresAt,
    ...overrides,
  };
}

/** What session creation, the pay form and the confirm rely on from `PaymentSessionRepository`, for any implementation. */
export function describePaymentSessionRepositoryContract(name: string, subject: Subject<DatabaseSubject>): void {
  describe(`PaymentSessionRepository contract (${name})`, () => {
    const uow = () => subject().uow;
    const sessions = () => uow().repos.paymentSessions;
    const open = { state: 'open', failedCode: null, cvcFailures: 0, tokenId: null, tokenExpiresAt: null } as const;

    it('reads back what was inserted, open, to its owner only, never showing the secret hash', async () => {
      const now = at(Date.now());
      const owner = newOwner();
      const session = newPaymentSession(owner, at(now.getTime() + 15 * MINUTE), { groupId: 'sales' });
      await sessions().insert(session);
      const { secretHash: _secretHash, ...record } = session;
      expect(await sessions().findOwned(owner, session.id)).toEqual({ ...record, ...open });
      expect(await sessions().findOwned(newOwner(owner.tenantId), session.id)).toBeNull();
      expect(await sessions().findOwned({ tenantId: `${owner.tenantId}-other`, userId: owner.userId }, session.id)).toBeNull();
      expect(await sessions().findOwned(owner, newId('ps_'))).toBeNull();
    });

    it('finds a session by its secret hash until it expires (exclusive), whatever its state', async () => {
      const now = at(Date.now());
      const owner = newOwner();
      const session = newPaymentSession(owner, at(now.getTime() + 15 * MINUTE));
      await sessions().insert(session);
      const found = await sessions().findUnexpired(session.secretHash, now);
      expect(found).toEqual(await sessions().findOwned(owner, session.id));
      expect(await sessions().findUnexpired(session.secretHash, at(session.expiresAt.getTime() - 1))).toEqual(found);
      expect(await sessions().findUnexpired(session.secretHash, session.expiresAt)).toBeNull();
      expect(await sessions().fail(session.id, 'card_not_found')).toBe(true);
      expect(await sessions().findUnexpired(session.secretHash, now)).toMatchObject({ id: session.id, state: 'failed', failedCode: 'card_not_found' });
      expect(await sessions().findUnexpired('0'.repeat(64), now)).toBeNull();
    });

    it('is confirmed once, while open and unexpired, with its token', async () => {
      const now = at(Date.now());
      const owner = newOwner();
      const session = newPaymentSession(owner, at(now.getTime() + 15 * MINUTE));
      await sessions().insert(session);
      const tokenId = newId('pt_');
      const tokenExpiresAt = at(now.getTime() + 5 * MINUTE);
      expect(await sessions().confirm(session.id, tokenId, tokenExpiresAt, now)).toBe(true);
      expect(await sessions().findOwned(owner, session.id)).toMatchObject({ state: 'confirmed', tokenId, tokenExpiresAt, failedCode: null });
      // Single use: a second confirm, another token, changes nothing.
      expect(await sessions().confirm(session.id, newId('pt_'), tokenExpiresAt, now)).toBe(false);
      expect(await sessions().findOwned(owner, session.id)).toMatchObject({ state: 'confirmed', tokenId });
      // A confirmed session cannot be failed, nor take a wrong code.
      expect(await sessions().fail(session.id, 'card_not_found')).toBe(false);
      expect(await sessions().countCvcFailure(session.id, 3, 'cvc_invalid', now)).toBeNull();
      expect(await sessions().findOwned(owner, session.id)).toMatchObject({ state: 'confirmed', cvcFailures: 0, failedCode: null });
      expect(await sessions().confirm(newId('ps_'), newId('pt_'), tokenExpiresAt, now)).toBe(false);
    });

    it('cannot be confirmed once expired (exclusive) or failed', async () => {
      const now = at(Date.now());
      const owner = newOwner();
      const expiring = newPaymentSession(owner, at(now.getTime() + MINUTE));
      const failed = newPaymentSession(owner, at(now.getTime() + MINUTE));
      await sessions().insert(expiring);
      await sessions().insert(failed);
      expect(await sessions().confirm(expiring.id, newId('pt_'), at(now.getTime() + 5 * MINUTE), expiring.expiresAt)).toBe(false);
      expect(await sessions().findOwned(owner, expiring.id)).toMatchObject(open);
      expect(await sessions().fail(failed.id, 'partner_disabled')).toBe(true);
      expect(await sessions().confirm(failed.id, newId('pt_'), at(now.getTime() + 5 * MINUTE), now)).toBe(false);
      expect(await sessions().findOwned(owner, failed.id)).toMatchObject({ state: 'failed', failedCode: 'partner_disabled', tokenId: null });
    });

    it('counts wrong-format codes: the last allowed one fails the session with its code; then none counts', async () => {
      const now = at(Date.now());
      const owner = newOwner();
      const session = newPaymentSession(owner, at(now.getTime() + 15 * MINUTE));
      await sessions().insert(session);
      expect(await sessions().countCvcFailure(session.id, 3, 'cvc_invalid', now)).toBe(1);
      expect(await sessions().countCvcFailure(session.id, 3, 'cvc_invalid', now)).toBe(2);
      expect(await sessions().findOwned(owner, session.id)).toMatchObject({ ...open, cvcFailures: 2 });
      expect(await sessions().countCvcFailure(session.id, 3, 'cvc_invalid', now)).toBe(3);
      expect(await sessions().findOwned(owner, session.id)).toMatchObject({ state: 'failed', failedCode: 'cvc_invalid', cvcFailures: 3 });
      expect(await sessions().countCvcFailure(session.id, 3, 'cvc_invalid', now)).toBeNull();
      expect(await sessions().confirm(session.id, newId('pt_'), at(now.getTime() + MINUTE), now)).toBe(false);
      expect(await sessions().countCvcFailure(newId('ps_'), 3, 'cvc_invalid', now)).toBeNull();
    });

    it('an expired session counts no wrong code; fail closes any open session, expired or not, once', async () => {
      const now = at(Date.now());
      const owner = newOwner();
      const session = newPaymentSession(owner, at(now.getTime() + MINUTE));
      await sessions().insert(session);
      expect(await sessions().countCvcFailure(session.id, 3, 'cvc_invalid', session.expiresAt)).toBeNull();
      expect(await sessions().findOwned(owner, session.id)).toMatchObject(open);
      expect(await sessions().fail(session.id, 'card_not_found')).toBe(true);
      expect(await sessions().fail(session.id, 'partner_disabled')).toBe(false);
      expect(await sessions().findOwned(owner, session.id)).toMatchObject({ state: 'failed', failedCode: 'card_not_found' });
      const late = newPaymentSession(owner, at(now.getTime() - MINUTE));
      await sessions().insert(late);
      expect(await sessions().fail(late.id, 'card_not_found')).toBe(true);
      expect(await sessions().fail(newId('ps_'), 'card_not_found')).toBe(false);
    });

    it('lists the expiries of the owner’s live sessions (open, unexpired), soonest first', async () => {
      const now = at(Date.now());
      const owner = newOwner();
      const inMinutes = (m: number) => at(now.getTime() + m * MINUTE);
      const [late, soon, middle, confirmed, failed, expired] = [9, 2, 5, 7, 8, -1].map((m) => newPaymentSession(owner, inMinutes(m)));
      for (const s of [late!, soon!, middle!, confirmed!, failed!, expired!, newPaymentSession(newOwner(owner.tenantId), inMinutes(3))]) await sessions().insert(s);
      await sessions().confirm(confirmed!.id, newId('pt_'), inMinutes(5), now);
      await sessions().countCvcFailure(failed!.id, 1, 'cvc_invalid', now);
      expect(await sessions().liveExpiries(owner, now)).toEqual([soon!.expiresAt, middle!.expiresAt, late!.expiresAt]);
      expect(await sessions().liveExpiries(owner, inMinutes(5))).toEqual([late!.expiresAt]);
      expect(await sessions().liveExpiries(newOwner(), now)).toEqual([]);
    });

    it('refuses a second session with the same id or the same secret hash', async () => {
      const owner = newOwner();
      const first = newPaymentSession(owner, at(Date.now() + MINUTE));
      await sessions().insert(first);
      const sameSecret = await sessions().insert({ ...newPaymentSession(owner, first.expiresAt), secretHash: first.secretHash }).catch((err: unknown) => err);
      expect(isUniqueViolation(sameSecret)).toBe(true);
      const sameId = await sessions().insert({ ...newPaymentSession(owner, first.expiresAt), id: first.id }).catch((err: unknown) => err);
      expect(isUniqueViolation(sameId)).toBe(true);
    });

    it('is undone with its transaction: an insert, a confirm', async () => {
      const now = at(Date.now());
      const owner = newOwner();
      const kept = newPaymentSession(owner, at(now.getTime() + MINUTE));
      await sessions().insert(kept);
      const dropped = newPaymentSession(owner, at(now.getTime() + MINUTE));
      await expect(
        uow().transaction(async (repos) => {
          await repos.paymentSessions.insert(dropped);
          expect(await repos.paymentSessions.confirm(kept.id, newId('pt_'), at(now.getTime() + MINUTE), now)).toBe(true);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await sessions().findOwned(owner, dropped.id)).toBeNull();
      expect(await sessions().findOwned(owner, kept.id)).toMatchObject(open);
    });

    it('serialises session creation of one owner under lockOwner: a cap checked under the lock holds under concurrency', async () => {
      const owner = newOwner();
      const CAP = 2;
      await Promise.all(
        Array.from({ length: 6 }, () =>
          uow().transaction(async (repos) => {
            await repos.paymentSessions.lockOwner(owner);
            const now = at(Date.now());
            if ((await repos.paymentSessions.liveExpiries(owner, now)).length < CAP) await repos.paymentSessions.insert(newPaymentSession(owner, at(now.getTime() + 60 * MINUTE)));
          }),
        ),
      );
      expect(await sessions().liveExpiries(owner, at(Date.now()))).toHaveLength(CAP);
    });

    it('one confirm wins when several race for one session', async () => {
      const now = at(Date.now());
      const owner = newOwner();
      const session = newPaymentSession(owner, at(now.getTime() + 15 * MINUTE));
      await sessions().insert(session);
      const tokens = Array.from({ length: 4 }, () => newId('pt_'));
      const won = await Promise.all(tokens.map((t) => uow().transaction((repos) => repos.paymentSessions.confirm(session.id, t, at(now.getTime() + MINUTE), now))));
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await sessions().findOwned(owner, session.id)).toMatchObject({ state: 'confirmed', tokenId: tokens[won.indexOf(true)] });
    });
  });
}
