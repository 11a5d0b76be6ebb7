import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctVisa } from '../support/card-numbers.ts';
import { scratchDatabase } from '../support/test-database.ts';
import { IdempotencyStore } from '../../services/vault/src/idempotency/idempotency-store.ts';
import { KeyedDigest } from '../../services/vault/src/crypto/keyed-digest.ts';
import { buildCrypto } from '../../services/vault/src/crypto/build-crypto.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

/**
 * Idempotency of the routes that write to PostgreSQL: the record commits in the write's own transaction, so a
 * write is never done twice under one key and a retry always finds what happened.
 */
let v: TestVault;
beforeAll(async () => {
  v = await startTestVault();
});
afterAll(async () => {
  await v.close();
});

const address = { name: 'Ada', line1: '1 Main St', city: 'London', postalCode: 'N1', country: 'GB' };
const key = () => ({ 'idempotency-key': `w-${randomUUID()}` });

describe('database writes under an Idempotency-Key', () => {
  it('a card-entry session is created once; the repeat gets the same secret; another body gets 409', async () => {
    const user = newUser();
    const headers = key();
    const first = await v.internal('/v1/card-sessions', { user, body: {}, headers });
    const again = await v.internal('/v1/card-sessions', { user, body: {}, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json).toEqual(first.json);
    const other = await v.internal('/v1/card-sessions', { user, body: { billingProfileId: 'bp_AAAAAAAAAAAAAAAAAAAAAA' }, headers });
    expect(other.status).toBe(409);
    expect(other.json.code).toBe('idempotency_key_reused');
    const { rows } = await v.database.pool.query('SELECT count(*)::int AS n FROM card_entry_sessions WHERE tenant_id = $1', [user.tid]);
    expect(rows[0].n).toBe(1);
  });

  it('20 concurrent identical profile creates write one profile; every answer is that profile or 409', async () => {
    const user = newUser();
    const headers = key();
    const results = await Promise.all(Array.from({ length: 20 }, () => v.internal('/v1/billing-profiles', { user, body: address, headers })));
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.json.id)).size).toBe(1);
    expect(results.filter((r) => r.status !== 201).map((r) => r.json.code)).toEqual(results.filter((r) => r.status !== 201).map(() => 'idempotency_key_reused'));
    const { rows } = await v.database.pool.query('SELECT count(*)::int AS n FROM billing_profiles WHERE tenant_id = $1', [user.tid]);
    expect(rows[0].n).toBe(1);
    // Once the first has committed, a retry gets its answer.
    const retry = await v.internal('/v1/billing-profiles', { user, body: address, headers });
    expect(retry.status).toBe(201);
    expect(retry.json.id).toBe(created[0]!.json.id);
  });

  it('the hosted form: a retried card add returns the card it stored, not 401 for a spent session', async () => {
    const user = newUser();
    const secret = await v.cardSession(user);
    const headers = { authorization: `CardSession ${secret}`, ...key() };
    const body = visa({ number: distinctVisa(Math.floor(Math.random() * 1e8), 7) });
    const first = await v.public('/v1/cards', { body, headers });
    const again = await v.public('/v1/cards', { body, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    // The same session with another card under that key: 409, not a second card.
    const other = await v.public('/v1/cards', { body: visa({ number: distinctVisa(Math.floor(Math.random() * 1e8), 8) }), headers });
    expect(other.status).toBe(409);
    // Without the key, the spent session is refused as before.
    expect((await v.public('/v1/cards', { body, headers: { authorization: `CardSession ${secret}` } })).status).toBe(401);
  });

  it('only a committed write is remembered: after a refusal the corrected request runs under the same key', async () => {
    const user = newUser();
    const headers = key();
    expect((await v.internal('/v1/billing-profiles', { user, body: { ...address, country: 'XX' }, headers })).status).toBe(400);
    const fixed = await v.internal('/v1/billing-profiles', { user, body: address, headers });
    expect(fixed.status).toBe(201);
    expect(fixed.headers['idempotent-replayed']).toBeUndefined();
  });

  it('stores the response encrypted and the request only as a digest', async () => {
    const user = newUser();
    const headers = key();
    const created = await v.internal('/v1/billing-profiles', { user, body: { ...address, line1: 'Sentinel Road 77' }, headers });
    expect(created.status).toBe(201);
    const { rows } = await v.database.pool.query(`SELECT * FROM idempotency_records ORDER BY created_at DESC LIMIT 20`);
    for (const row of rows) expect(JSON.stringify(row) + Buffer.from(row.response).toString('latin1')).not.toContain('Sentinel Road');
  });

  it('expired records are purged, and an expired key can be used again', async () => {
    // A database of its own: this test ages every record in it.
    const scratch = await scratchDatabase();
    const own = await startTestVault({ env: { DATABASE_URL: scratch.url } });
    try {
      const user = newUser();
      const headers = key();
      const first = await own.internal('/v1/billing-profiles', { user, body: address, headers });
      await own.database.pool.query(`UPDATE idempotency_records SET expires_at = now() - interval '1 second'`);
      const again = await own.internal('/v1/billing-profiles', { user, body: address, headers });
      expect(again.status).toBe(201);
      expect(again.json.id).not.toBe(first.json.id); // the old record expired: this is a new write
      await own.database.pool.query(`UPDATE idempotency_records SET expires_at = now() - interval '1 second'`);
      expect(await own.vault.uow.repos.idempotency.purgeExpired(new Date())).toBe(1);
      const { rows } = await own.database.pool.query(`SELECT count(*)::int AS n FROM idempotency_records`);
      expect(rows[0].n).toBe(0);
    } finally {
      await own.close();
      await scratch.drop();
    }
  });

  it('a token-issue record is completed only by the claim that made it (a lapsed claim never overwrites a newer one)', async () => {
    const store = new IdempotencyStore(v.redis, new KeyedDigest(buildCrypto(v.config.keys).digestKey, 'idempotency'), v.vault.envelope);
    const scope = `test|${randomUUID()}`;
    const first = await store.start(scope, 'key-00000001', 'REQ', 300);
    expect(first.kind).toBe('first');
    if (first.kind !== 'first') return;
    await v.redis.del(first.key); // the first claim lapses while its request still runs
    const second = await store.start(scope, 'key-00000001', 'REQ', 300);
    expect(second.kind).toBe('first');
    await store.complete(first, 'REQ', { status: 201, contentType: 'application/json', body: '{"from":"first"}' }, 300);
    expect((await store.start(scope, 'key-00000001', 'REQ', 300)).kind).toBe('conflict'); // still the second's claim
    if (second.kind !== 'first') return;
    await store.complete(second, 'REQ', { status: 201, contentType: 'application/json', body: '{"from":"second"}' }, 300);
    const replay = await store.start(scope, 'key-00000001', 'REQ', 300);
    expect(replay).toMatchObject({ kind: 'replay', response: { body: '{"from":"second"}' } });
  });
});
