import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFakeServices, type FakeVault } from '../support/fakes/build-fake-services.ts';
import { distinctVisa } from '../support/card-numbers.ts';
import { addCard, as, auditTrail, cardSession, FUTURE_YEAR, newUser, refusal, visa } from './service-fixtures.ts';

/** Adds a card with a given session secret and request id (what the hosted form's POST carries). */
const addWith = (v: FakeVault, secret: string, card: Record<string, unknown>, requestId = randomUUID()) => v.services.cards.createFromSession(secret, card, requestId);
/** The status the public listener answers a card creation with. */
const statusOf = (card: { duplicate?: true }) => (card.duplicate ? 200 : 201);

describe('adding a card', () => {
  it('the same card number twice for one owner: the same card, updated, marked duplicate (200); audited as such', async () => {
    const v = buildFakeServices();
    const user = newUser();
    const first = await addCard(v, user);
    expect(statusOf(first)).toBe(201);
    const requestId = randomUUID();
    const again = await addWith(v, await cardSession(v, user), visa({ number: '4242-4242-4242-4242', expMonth: 1, expYear: FUTURE_YEAR + 1, cardholderName: 'A. Lovelace' }), requestId);
    expect(statusOf(again)).toBe(200);
    expect(again).toMatchObject({ id: first.id, duplicate: true, expMonth: 1, expYear: FUTURE_YEAR + 1, cardholderName: 'A. Lovelace', fingerprint: first.fingerprint });
    expect((await v.services.cards.list(as(user))).data).toHaveLength(1);
    expect(auditTrail(v, requestId)).toEqual([
      { action: 'card.create', outcome: 'success', target: first.id, reason: 'duplicate', userId: user.userId, tenantId: user.tenantId, actorService: 'card-form' },
    ]);
  });

  it('the same card number for another owner: a card of their own (201); same fingerprint within a tenant only', async () => {
    const v = buildFakeServices();
    const owner = newUser();
    const mine = await addCard(v, owner);
    const neighbour = await addCard(v, newUser(owner.tenantId));
    const stranger = await addCard(v, newUser());
    expect([statusOf(neighbour), statusOf(stranger)]).toEqual([201, 201]);
    expect(new Set([mine.id, neighbour.id, stranger.id]).size).toBe(3);
    expect(neighbour.fingerprint).toBe(mine.fingerprint);
    expect(stranger.fingerprint).not.toBe(mine.fingerprint);
  });

  it('any sequence of adds: one card per owner and number, duplicate exactly when the owner already holds the number', async () => {
    const v = buildFakeServices();
    const pans = [0, 1, 2].map((i) => distinctVisa(i, 4711));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 6 }), async (adds) => {
        const tenant = `t-${randomUUID()}`;
        const owners = [newUser(tenant), newUser(tenant)];
        const held = owners.map(() => new Map<string, string>());
        for (const [o, p] of adds) {
          const card = await addCard(v, owners[o]!, visa({ number: pans[p] }));
          const known = held[o]!.get(pans[p]!);
          expect(statusOf(card)).toBe(known ? 200 : 201);
          if (known) expect(card.id).toBe(known);
          held[o]!.set(pans[p]!, card.id);
        }
        for (const [o, owner] of owners.entries()) {
          expect((await v.services.cards.list(as(owner))).data.map((c) => c.id).sort()).toEqual([...held[o]!.values()].sort());
        }
      }),
      { numRuns: 15 },
    );
  });

  it('a session secret works once: a second use is 401 unauthenticated', async () => {
    const v = buildFakeServices();
    const secret = await cardSession(v, newUser());
    await addWith(v, secret, visa());
    expect(await refusal(addWith(v, secret, visa({ number: '5555555555554444' })))).toMatchObject({ code: 'unauthenticated', status: 401 });
  });

  it('a session used by two requests at once: one card; the loser rolls back and is audited as session_already_used', async () => {
    const v = buildFakeServices();
    const user = newUser();
    const secret = await cardSession(v, user);
    const requestIds = [randomUUID(), randomUUID()];
    const results = await Promise.allSettled([addWith(v, secret, visa(), requestIds[0]), addWith(v, secret, visa({ number: '5555555555554444' }), requestIds[1])]);
    // Either may win (each encrypts on the libuv pool first, so the order under load is not the call order).
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const loser = results.findIndex((r) => r.status === 'rejected');
    expect((await v.services.cards.list(as(user))).data).toHaveLength(1);
    expect(auditTrail(v, requestIds[loser]!)).toEqual([
      { action: 'card.create', outcome: 'denied', target: null, reason: 'session_already_used', userId: user.userId, tenantId: user.tenantId, actorService: 'card-form' },
    ]);
  });

  it('an expired or made-up session secret: 401, and nothing audited (anonymous callers cannot grow the log)', async () => {
    const v = buildFakeServices();
    const secret = await cardSession(v, newUser());
    v.clock.advanceSeconds(v.config.cardSessions.ttlSeconds);
    const before = v.auditEvents.length;
    expect(await refusal(addWith(v, secret, visa()))).toMatchObject({ code: 'unauthenticated' });
    expect(await refusal(addWith(v, 'cs_made_up_secret_xxxxxxxx', visa()))).toMatchObject({ code: 'unauthenticated' });
    expect(v.auditEvents.length).toBe(before);
  });

  it('a rejected card does not burn the session', async () => {
    const v = buildFakeServices();
    const secret = await cardSession(v, newUser());
    expect(await refusal(addWith(v, secret, visa({ number: '4242424242424241' })))).toMatchObject({ code: 'card_number_invalid', status: 422 });
    expect(await refusal(addWith(v, secret, visa({ expYear: 2020 })))).toMatchObject({ code: 'card_expired', status: 422 });
    expect(statusOf(await addWith(v, secret, visa()))).toBe(201);
  });
});

describe('caps', () => {
  it('a user holds at most VAULT_MAX_CARDS_PER_USER cards (409 card_limit_reached, nothing kept, session still usable); a duplicate still updates', async () => {
    const v = buildFakeServices({ env: { VAULT_MAX_CARDS_PER_USER: '3' } });
    const user = newUser();
    const pans = [0, 1, 2, 3].map((i) => distinctVisa(i, 815));
    for (const pan of pans.slice(0, 3)) await addCard(v, user, visa({ number: pan }));
    const secret = await cardSession(v, user);
    const requestId = randomUUID();
    expect(await refusal(addWith(v, secret, visa({ number: pans[3] }), requestId))).toMatchObject({ code: 'card_limit_reached', status: 409 });
    expect(auditTrail(v, requestId)).toEqual([]);
    expect((await v.services.cards.list(as(user))).data).toHaveLength(3);
    const duplicate = await addWith(v, secret, visa({ number: pans[0], cardholderName: 'Renamed' }));
    expect(duplicate).toMatchObject({ duplicate: true, cardholderName: 'Renamed' });
    expect(await refusal(addCard(v, user, visa({ number: pans[3] })))).toMatchObject({ code: 'card_limit_reached' });
  });

  it('concurrent adds cannot pass the card cap', async () => {
    const v = buildFakeServices({ env: { VAULT_MAX_CARDS_PER_USER: '2' } });
    const user = newUser();
    const results = await Promise.allSettled([0, 1, 2, 3, 4].map((i) => addCard(v, user, visa({ number: distinctVisa(i, 816) }))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect((await v.services.cards.list(as(user))).data).toHaveLength(2);
  });

  it('a user holds at most VAULT_MAX_LIVE_CARD_SESSIONS live sessions: 429 until the oldest expires; used ones do not count', async () => {
    const v = buildFakeServices({ env: { VAULT_MAX_LIVE_CARD_SESSIONS: '2' } });
    const user = newUser();
    await cardSession(v, user);
    v.clock.advanceSeconds(100);
    const second = await cardSession(v, user);
    const refused = await refusal(v.services.cardSessions.create(as(user), {}));
    expect(refused).toMatchObject({ code: 'rate_limited', status: 429, retryAfter: 800 });
    await addWith(v, second, visa());
    await expect(v.services.cardSessions.create(as(user), {})).resolves.toMatchObject({ id: expect.stringMatching(/^cs_/) });
    expect(await refusal(v.services.cardSessions.create(as(user), {}))).toMatchObject({ code: 'rate_limited', retryAfter: 800 });
    v.clock.advanceSeconds(800);
    await expect(v.services.cardSessions.create(as(user), {})).resolves.toBeDefined();
    await expect(v.services.cardSessions.create(as(newUser(user.tenantId)), {})).resolves.toBeDefined();
  });
});

describe('reading and changing cards: only the owner’s, every denial audited', () => {
  it('another user’s card (same tenant or another) is 404 card_not_found for read, update and delete, audited with the intruder', async () => {
    const v = buildFakeServices();
    const owner = newUser();
    const card = await addCard(v, owner);
    for (const intruder of [newUser(owner.tenantId), newUser()]) {
      const calls: Array<[string, (actor: ReturnType<typeof as>) => Promise<unknown>]> = [
        ['card.read', (a) => v.services.cards.get(a, card.id)],
        ['card.update', (a) => v.services.cards.patch(a, card.id, { cardholderName: 'Mallory' })],
        ['card.delete', (a) => v.services.cards.delete(a, card.id)],
      ];
      for (const [action, call] of calls) {
        const actor = as(intruder);
        expect(await refusal(call(actor))).toMatchObject({ code: 'card_not_found', status: 404 });
        expect(auditTrail(v, actor.requestId)).toEqual([
          { action, outcome: 'denied', target: card.id, reason: 'card_not_found', userId: intruder.userId, tenantId: intruder.tenantId, actorService: 'account-settings' },
        ]);
      }
    }
    expect(await v.services.cards.get(as(owner), card.id)).toMatchObject({ cardholderName: 'Ada Lovelace' });
    expect((await v.services.cards.list(as(newUser(owner.tenantId)))).data).toEqual([]);
  });

  it('a malformed id is refused without being recorded', async () => {
    const v = buildFakeServices();
    const actor = as(newUser());
    expect(await refusal(v.services.cards.get(actor, '4242424242424242'))).toMatchObject({ code: 'card_not_found' });
    expect(auditTrail(v, actor.requestId)).toEqual([expect.objectContaining({ target: null, reason: 'card_not_found' })]);
  });

  it('lists in pages with a cursor, never cut silently; another user’s card is no cursor', async () => {
    const v = buildFakeServices();
    const user = newUser();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await addCard(v, user, visa({ number: distinctVisa(i, 817) }))).id);
      v.clock.advance(1);
    }
    const first = await v.services.cards.list(as(user), { limit: '2' });
    const second = await v.services.cards.list(as(user), { limit: '2', startingAfter: first.data.at(-1)!.id });
    expect([...first.data, ...second.data].map((c) => c.id)).toEqual(ids);
    expect([first.hasMore, second.hasMore]).toEqual([true, false]);
    const stranger = await addCard(v, newUser());
    expect(await refusal(v.services.cards.list(as(user), { startingAfter: stranger.id }))).toMatchObject({
      code: 'invalid_request',
      status: 400,
      errors: [{ path: 'startingAfter', code: 'unknown_cursor' }],
    });
  });

  it('a billing profile used by a card cannot be deleted (409 billing_profile_in_use); once detached it can', async () => {
    const v = buildFakeServices();
    const user = newUser();
    const profile = await v.services.billingProfiles.create(as(user), { name: 'Ada', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' });
    const card = await addCard(v, user, visa({ billingProfileId: profile.id }));
    expect(await refusal(v.services.billingProfiles.delete(as(user), profile.id))).toMatchObject({ code: 'billing_profile_in_use', status: 409 });
    await v.services.cards.patch(as(user), card.id, { billingProfileId: null });
    await expect(v.services.billingProfiles.delete(as(user), profile.id)).resolves.toBeUndefined();
  });
});
