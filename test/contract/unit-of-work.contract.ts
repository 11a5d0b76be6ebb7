import { describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../../services/vault/src/audit/audit-event.ts';
import type { Repositories } from '../../services/vault/src/wiring/repositories.ts';
import type { TransactionOutcome } from '../../services/vault/src/storage/unit-of-work.ts';
import { at, hex, newCard, newOwner, newProfile, newRequestId, newSession, type DatabaseSubject, type Subject } from './contract-subjects.ts';

const HOUR = 3_600_000;

function event(requestId: string, action: string, extra: Partial<AuditEventInput> = {}): AuditEventInput {
  return { action, outcome: 'success', actorService: 'contract-test', requestId, ...extra };
}

/** An idempotency outcome as `RecordedWriteOutcome` makes one: reserve or refuse, then fill with the result. */
function outcomeUnder(key: string): TransactionOutcome<Repositories, string> {
  return {
    async reserve(repos) {
      if (!(await repos.idempotency.reserve(key, 'digest', at(Date.now() + HOUR), at(Date.now())))) throw new Error('idempotency_key_reused');
    },
    async record(repos, result) {
      await repos.idempotency.fill(key, { status: 201, contentType: 'text/plain', response: new TextEncoder().encode(result), keyVersion: 'v1' });
    },
  };
}

/** What every service relies on from `VaultUnitOfWork.transaction`, for any implementation. */
export function describeUnitOfWorkContract(name: string, subject: Subject<DatabaseSubject>): void {
  describe(`VaultUnitOfWork contract (${name})`, () => {
    const uow = () => subject().uow;

    it('commits a transaction’s writes and audit events together, and returns its result', async () => {
      const owner = newOwner();
      const requestId = newRequestId();
      const card = newCard(owner);
      const result = await uow().transaction(async (repos) => {
        await repos.cards.insertOrUpdateDuplicate(card, {});
        await repos.audit.append(event(requestId, 'card.create', { tenantId: owner.tenantId, userId: owner.userId, target: card.id, reason: 'why' }));
        return 'done';
      });
      expect(result).toBe('done');
      expect(await uow().repos.cards.findOwned(owner, card.id)).not.toBeNull();
      expect(await subject().auditEvents(requestId)).toEqual([
        { action: 'card.create', outcome: 'success', actorService: 'contract-test', tenantId: owner.tenantId, userId: owner.userId, target: card.id, reason: 'why' },
      ]);
    });

    it('rolls everything back when the transaction throws — audit events included — and rethrows the same error', async () => {
      const owner = newOwner();
      const requestId = newRequestId();
      const profile = newProfile(owner);
      const card = newCard(owner, { billingProfileId: profile.id });
      const session = newSession(owner, at(Date.now() + HOUR));
      const processorId = `p-${hex()}`;
      const key = `contract-${hex()}`;
      const boom = new Error('boom');
      const failed = uow().transaction(async (repos) => {
        await repos.billingProfiles.insert(profile);
        await repos.cards.insertOrUpdateDuplicate(card, {});
        await repos.cardSessions.insert(session);
        await repos.paymentSettings.setGroup(owner.tenantId, 'sales', false);
        await repos.processors.upsert({ id: processorId, name: 'x', enabled: true, keys: [] });
        await repos.idempotency.reserve(key, 'digest', at(Date.now() + HOUR), at(Date.now()));
        await repos.audit.append(event(requestId, 'card.create'));
        throw boom;
      });
      await expect(failed).rejects.toBe(boom);
      const { repos } = uow();
      expect(await repos.billingProfiles.findOwned(owner, profile.id)).toBeNull();
      expect(await repos.cards.findOwned(owner, card.id)).toBeNull();
      expect(await repos.cardSessions.findUsable(session.secretHash, at(Date.now()))).toBeNull();
      expect(await repos.paymentSettings.read(owner.tenantId, 'sales')).toEqual({ tenantEnabled: true, groupEnabled: true, tenantHasGroups: false });
      expect(await repos.processors.find(processorId)).toBeNull();
      expect(await repos.idempotency.reserve(key, 'digest', at(Date.now() + HOUR), at(Date.now()))).toBe(true);
      expect(await subject().auditEvents(requestId)).toEqual([]);
    });

    it('audited: writes the events with the call and returns its result', async () => {
      const owner = newOwner();
      const requestId = newRequestId();
      const card = (await uow().repos.cards.insertOrUpdateDuplicate(newCard(owner), {})).card;
      const listed = await uow().audited([event(requestId, 'card.list', { tenantId: owner.tenantId, userId: owner.userId }), event(requestId, 'card.read', { target: card.id })], (repos) =>
        repos.cards.listOwned(owner, { limit: 10 }),
      );
      expect(listed.map((c) => c.id)).toEqual([card.id]);
      expect((await subject().auditEvents(requestId)).map((e) => [e.action, e.target])).toEqual([
        ['card.list', null],
        ['card.read', card.id],
      ]);
    });

    it('audited: writes nothing when the call fails', async () => {
      const owner = newOwner();
      const requestId = newRequestId();
      // A card naming a billing profile that does not exist: the insert fails on its foreign key.
      const orphan = newCard(owner, { billingProfileId: `bp_${hex()}` });
      await expect(uow().audited([event(requestId, 'card.create')], (repos) => repos.cards.insertOrUpdateDuplicate(orphan, {}))).rejects.toThrow();
      expect(await subject().auditEvents(requestId)).toEqual([]);
      expect(await uow().repos.cards.findOwned(owner, orphan.id)).toBeNull();
    });

    it('audited: a call that touches no table still writes its events', async () => {
      const requestId = newRequestId();
      expect(await uow().audited([event(requestId, 'card.list')], async () => 'nothing read')).toBe('nothing read');
      expect((await subject().auditEvents(requestId)).map((e) => e.action)).toEqual(['card.list']);
    });

    it('appendAll writes several events in order, in one write', async () => {
      const requestId = newRequestId();
      await uow().repos.audit.appendAll([event(requestId, 'card.decrypt'), event(requestId, 'payment_token.issue')]);
      expect((await subject().auditEvents(requestId)).map((e) => e.action)).toEqual(['card.decrypt', 'payment_token.issue']);
    });

    it('rolls back an update and a delete too', async () => {
      const owner = newOwner();
      const kept = (await uow().repos.cards.insertOrUpdateDuplicate(newCard(owner), {})).card;
      const renamed = (await uow().repos.cards.insertOrUpdateDuplicate(newCard(owner), {})).card;
      await expect(
        uow().transaction(async (repos) => {
          await repos.cards.deleteOwned(owner, kept.id);
          await repos.cards.updateOwned(owner, renamed.id, { cardholderName: 'Changed' });
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      expect(await uow().repos.cards.findOwned(owner, kept.id)).toEqual(kept);
      expect(await uow().repos.cards.findOwned(owner, renamed.id)).toEqual(renamed);
    });

    it('keeps what was written outside the transaction (an audited denial) when the transaction rolls back', async () => {
      const owner = newOwner();
      const card = newCard(owner);
      const requestId = newRequestId();
      await expect(
        uow().transaction(async (repos) => {
          await repos.cards.insertOrUpdateDuplicate(card, {});
          // Outside first: once the transaction has appended to an audit chain it holds that chain's head row, and
          // an outside append that picks the same chain would wait for the transaction (which waits for it).
          await uow().repos.audit.append(event(requestId, 'outside', { outcome: 'denied', reason: 'card_not_found' }));
          await repos.audit.append(event(requestId, 'inside'));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect((await subject().auditEvents(requestId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([['outside', 'denied', 'card_not_found']]);
      expect(await uow().repos.cards.findOwned(owner, card.id)).toBeNull();
    });

    it('reserves an outcome before the work and records it after; a key already held refuses before the work runs', async () => {
      const owner = newOwner();
      const key = `contract-${hex()}`;
      const card = newCard(owner);
      await uow().transaction(async (repos) => (await repos.cards.insertOrUpdateDuplicate(card, {})).card.id, outcomeUnder(key));
      const recorded = await uow().repos.idempotency.find(key, at(Date.now()));
      expect(recorded).toMatchObject({ status: 201, requestDigest: 'digest' });
      expect(new TextDecoder().decode(recorded!.response)).toBe(card.id);

      let ran = false;
      const second = uow().transaction(async () => {
        ran = true;
        return 'never';
      }, outcomeUnder(key));
      await expect(second).rejects.toThrow('idempotency_key_reused');
      expect(ran).toBe(false);
    });

    it('rolls the work back when its outcome cannot be recorded', async () => {
      const owner = newOwner();
      const card = newCard(owner);
      const failing: TransactionOutcome<Repositories, string> = { reserve: async () => {}, record: async () => Promise.reject(new Error('record failed')) };
      await expect(uow().transaction(async (repos) => (await repos.cards.insertOrUpdateDuplicate(card, {})).card.id, failing)).rejects.toThrow('record failed');
      expect(await uow().repos.cards.findOwned(owner, card.id)).toBeNull();
    });

    it('serialises card adds and session creation of one owner: a cap checked under the lock holds under concurrency', async () => {
      const owner = newOwner();
      const CAP = 2;
      // Card adds take their owner's lock inside the one statement (storeFromSession): six at once, cap two.
      const adder = newOwner();
      const sessions = Array.from({ length: 6 }, () => newSession(adder, at(Date.now() + HOUR)));
      for (const session of sessions) await uow().repos.cardSessions.insert(session);
      const added = await Promise.all(
        sessions.map((session) =>
          uow().repos.cards.storeFromSession({
            sessionId: session.id,
            now: at(Date.now()),
            card: newCard(adder),
            setBillingProfile: false,
            olderFingerprints: [],
            newProfile: null,
            maxCards: CAP,
            audit: event(newRequestId(), 'card.create', { tenantId: adder.tenantId, userId: adder.userId }),
          }),
        ),
      );
      expect(added.map((a) => a.kind).sort()).toEqual(['card_limit_reached', 'card_limit_reached', 'card_limit_reached', 'card_limit_reached', 'stored', 'stored']);
      expect(await uow().repos.cards.countOwned(adder)).toBe(CAP);

      await Promise.all(
        Array.from({ length: 6 }, () =>
          uow().transaction(async (repos) => {
            await repos.cardSessions.lockOwner(owner);
            if ((await repos.cardSessions.liveExpiries(owner, at(Date.now()))).length < CAP) await repos.cardSessions.insert(newSession(owner, at(Date.now() + HOUR)));
          }),
        ),
      );
      expect(await uow().repos.cardSessions.liveExpiries(owner, at(Date.now()))).toHaveLength(CAP);
    });
  });
}
