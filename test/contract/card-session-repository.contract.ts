import { describe, expect, it } from 'vitest';
import { isUniqueViolation } from '../../services/vault/src/storage/database-errors.ts';
import { at, newId, newOwner, newSession, type DatabaseSubject, type Subject } from './contract-subjects.ts';

const MINUTE = 60_000;

/** What card creation and the session cap rely on from `CardSessionRepository`, for any implementation. */
export function describeCardSessionRepositoryContract(name: string, subject: Subject<DatabaseSubject>): void {
  describe(`CardSessionRepository contract (${name})`, () => {
    const sessions = () => subject().uow.repos.cardSessions;

    it('finds a session by its secret hash while unused and unexpired (expiry exclusive), never showing the hash', async () => {
      const now = at(Date.now());
      const session = newSession(newOwner(), at(now.getTime() + 15 * MINUTE), 'sales');
      await sessions().insert(session);
      const { secretHash, ...record } = session;
      const found = await sessions().findUsable(secretHash, now);
      expect(found).toEqual({ ...record, usedAt: null });
      expect(await sessions().findUnexpired(secretHash, now)).toEqual(found);
      expect(await sessions().findUsable(secretHash, session.expiresAt)).toBeNull();
      expect(await sessions().findUnexpired(secretHash, session.expiresAt)).toBeNull();
      expect(await sessions().findUsable(secretHash, at(session.expiresAt.getTime() - 1))).toEqual(found);
      expect(await sessions().findUsable('0'.repeat(64), now)).toBeNull();
    });

    it('is consumed once; a used session is no longer usable but still unexpired', async () => {
      const now = at(Date.now());
      const session = newSession(newOwner(), at(now.getTime() + 15 * MINUTE));
      await sessions().insert(session);
      const cardId = newId('card_');
      expect(await sessions().consume(session.id, cardId, now)).toBe(true);
      expect(await sessions().consume(session.id, cardId, now)).toBe(false);
      expect(await sessions().findUsable(session.secretHash, now)).toBeNull();
      expect(await sessions().findUnexpired(session.secretHash, now)).toMatchObject({ id: session.id, usedAt: now });
      expect(await sessions().consume(newId('cs_'), cardId, now)).toBe(false);
    });

    it('cannot be consumed once expired', async () => {
      const now = at(Date.now());
      const session = newSession(newOwner(), at(now.getTime() + MINUTE));
      await sessions().insert(session);
      expect(await sessions().consume(session.id, newId('card_'), session.expiresAt)).toBe(false);
      expect(await sessions().findUsable(session.secretHash, now)).not.toBeNull();
    });

    it('lists the expiries of the owner’s live sessions, soonest first', async () => {
      const now = at(Date.now());
      const owner = newOwner();
      const inMinutes = (m: number) => at(now.getTime() + m * MINUTE);
      const [late, soon, middle, used, expired] = [inMinutes(9), inMinutes(2), inMinutes(5), inMinutes(7), inMinutes(-1)].map((e) => newSession(owner, e));
      for (const s of [late!, soon!, middle!, used!, expired!, newSession(newOwner(owner.tenantId), inMinutes(3))]) await sessions().insert(s);
      await sessions().consume(used!.id, newId('card_'), now);
      expect(await sessions().liveExpiries(owner, now)).toEqual([soon!.expiresAt, middle!.expiresAt, late!.expiresAt]);
      expect(await sessions().liveExpiries(owner, inMinutes(6))).toEqual([late!.expiresAt]);
      expect(await sessions().liveExpiries(newOwner(), now)).toEqual([]);
    });

    it('refuses a second session with the same secret hash', async () => {
      const owner = newOwner();
      const first = newSession(owner, at(Date.now() + MINUTE));
      await sessions().insert(first);
      const clash = await sessions().insert({ ...newSession(owner, first.expiresAt), secretHash: first.secretHash }).catch((err: unknown) => err);
      expect(isUniqueViolation(clash)).toBe(true);
    });
  });
}
