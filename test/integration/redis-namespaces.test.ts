import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentId } from '../../services/vault/src/storage/redis-namespace.ts';
import { sqlOn } from '../../services/vault/src/storage/sql.ts';
import { distinctVisa } from '../support/card-numbers.ts';
import { startOwnRedis, type OwnRedis } from '../support/own-redis.ts';
import { issueToken, publicJwks, redeem, registerExampleProcessors } from '../support/payments.ts';
import { scratchDatabase } from '../support/test-database.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';
import type { AssertionClaims } from '../../services/vault/src/dev/dev-assertion.ts';

/**
 * Keys namespaced per deployment (issue 25): a processor disabled in one dev vault revoked every token of that
 * processor in another vault on the same Redis, and a run beside another vault failed a contract test. Vaults on
 * two databases sharing one Redis (A and B here) never touch each other's tokens, limits, idempotency records or
 * revocations; vaults on one database (A and A2) share all of them, as replicas must. Both databases are this
 * file's own: it disables processors and switches tenants off.
 */
let dbA: Awaited<ReturnType<typeof scratchDatabase>>;
let dbB: Awaited<ReturnType<typeof scratchDatabase>>;
let a: TestVault;
let a2: TestVault;
let b: TestVault;

// Small limits, the same in both vaults: 3 issues per user and 3 per card number, per 10 minutes.
const LIMITS = { VAULT_RATE_LIMIT_USER: '3/600', VAULT_RATE_LIMIT_CARD_NUMBER: '3/600' };

beforeAll(async () => {
  [dbA, dbB] = await Promise.all([scratchDatabase(), scratchDatabase()]);
  [a, a2, b] = await Promise.all([
    startTestVault({ env: { DATABASE_URL: dbA.url, ...LIMITS } }),
    startTestVault({ env: { DATABASE_URL: dbA.url, ...LIMITS } }),
    startTestVault({ env: { DATABASE_URL: dbB.url, ...LIMITS } }),
  ]);
  await Promise.all([registerExampleProcessors(a), registerExampleProcessors(b)]);
}, 120_000);
afterAll(async () => {
  await Promise.all([a?.close(), a2?.close(), b?.close()]);
  await Promise.all([dbA?.drop(), dbB?.drop()]);
});

const salt = randomBytes(2).readUInt16BE() % 10_000;
let panIndex = Math.floor(Math.random() * 1e8);
const freshPan = () => distinctVisa(panIndex++, salt);

async function cardIn(v: TestVault, user: AssertionClaims, number = freshPan()): Promise<string> {
  const res = await v.addCard(user, visa({ number }));
  expect(res.status, res.text).toBe(201);
  return res.json.id as string;
}

async function tokenIn(v: TestVault, user: AssertionClaims): Promise<string> {
  const issued = await issueToken(v, user, { cardId: await cardIn(v, user), cvc: '123' });
  expect(issued.status, issued.text).toBe(201);
  return issued.json.token as string;
}

describe('the namespace comes from the database', () => {
  it('vaults on one database share it; on two databases they differ; it is the deployment id, a prefix of its own', async () => {
    expect(a.redisKeyPrefix).toMatch(/^[0-9a-f]{16}:$/);
    expect(a2.redisKeyPrefix).toBe(a.redisKeyPrefix);
    expect(b.redisKeyPrefix).toMatch(/^[0-9a-f]{16}:$/);
    expect(b.redisKeyPrefix).not.toBe(a.redisKeyPrefix);
    const { rows } = await a.database.pool.query<{ id: string }>('SELECT id FROM vault_deployment');
    expect(rows.map((r) => `${r.id}:`)).toEqual([a.redisKeyPrefix]);
  });

  it('the table holds one row of a valid id; a deleted row is made again at the next start (a new namespace)', async () => {
    const scratch = await scratchDatabase();
    const client = new pg.Client({ connectionString: scratch.url });
    await client.connect();
    try {
      const first = await deploymentId(sqlOn(client));
      await expect(client.query('INSERT INTO vault_deployment DEFAULT VALUES')).rejects.toThrow(/vault_deployment_one_row/);
      await expect(client.query(`UPDATE vault_deployment SET id = 'a:b'`)).rejects.toThrow(/vault_deployment_id_shape/);
      await client.query('DELETE FROM vault_deployment');
      const made = await deploymentId(sqlOn(client));
      expect(made).toMatch(/^[0-9a-f]{16}$/);
      expect(made).not.toBe(first);
      expect(await deploymentId(sqlOn(client))).toBe(made);
    } finally {
      await client.end();
      await scratch.drop();
    }
  });

  it('VAULT_REDIS_KEY_PREFIX overrides it: a name of the operator\'s, or empty for the unprefixed layout', async () => {
    const named = await startTestVault({ env: { DATABASE_URL: dbA.url, VAULT_REDIS_KEY_PREFIX: 'acme-eu_1' } });
    const bare = await startTestVault({ env: { DATABASE_URL: dbA.url, VAULT_REDIS_KEY_PREFIX: '' } });
    try {
      expect(named.redisKeyPrefix).toBe('acme-eu_1:');
      expect(bare.redisKeyPrefix).toBe('');
      // A token issued under the database's namespace is not found under another one: 404, as for any unknown token.
      const token = await tokenIn(a, newUser());
      expect((await redeem(named, 'xero-payments', token)).status).toBe(404);
      expect((await redeem(bare, 'xero-payments', token)).status).toBe(404);
      expect((await redeem(a2, 'xero-payments', token)).status).toBe(200);
    } finally {
      await Promise.all([named.close(), bare.close()]);
    }
  });
});

describe('two vaults on different databases share one Redis and nothing in it', () => {
  it('a processor disabled in A revokes A\'s tokens only: B\'s token of that processor still redeems', async () => {
    const inB = await tokenIn(b, newUser());
    const inA = await tokenIn(a, newUser());
    const off = await a.internal('/v1/processors/xero-payments', { as: 'admin', method: 'PUT', body: { name: 'xero-payments', enabled: false, jwks: publicJwks('xero-payments') } });
    expect(off.status, off.text).toBe(200);
    await registerExampleProcessors(a); // enabled again: A's outstanding token stays revoked
    expect((await redeem(a, 'xero-payments', inA)).status).toBe(404);
    expect((await redeem(b, 'xero-payments', inB)).status).toBe(200);
  });

  it('a tenant switched off in A revokes A\'s tokens of that tenant only: B\'s token of the same tenant id redeems', async () => {
    const user = newUser(`t-ns-${randomUUID()}`);
    const inA = await tokenIn(a, user);
    const inB = await tokenIn(b, user);
    const switchOff = await a.internal(`/v1/tenants/${user.tid}/payment-settings`, { as: 'admin', method: 'PUT', body: { enabled: false } });
    expect(switchOff.status, switchOff.text).toBe(200);
    expect((await redeem(a, 'xero-payments', inA)).status).toBe(404);
    expect((await redeem(b, 'xero-payments', inB)).status).toBe(200);
    expect((await issueToken(b, user, { cardId: await cardIn(b, user), cvc: '123' })).status).toBe(201);
  });

  it('rate limits count per deployment: the same user and card number limited in A issue in B, and in A2 stay limited', async () => {
    const user = newUser(`t-ns-${randomUUID()}`);
    const pan = freshPan();
    const card = await cardIn(a, user, pan);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await issueToken(a, user, { cardId: card, cvc: '123' })).status);
    // The user's limit (3). The number is counted only for issues within the user's and card's limits: 3 of 3.
    expect(statuses).toEqual([201, 201, 201, 429]);
    // Same database: the same counters.
    expect((await issueToken(a2, user, { cardId: card, cvc: '123' })).status).toBe(429);
    // Another database: the same user (tenant and user ids) and the same card number start from nothing (on one
    // namespace each of these would be the 4th of 3).
    expect((await issueToken(b, user, { cardId: await cardIn(b, user), cvc: '123' })).status).toBe(201);
    const other = newUser(`t-ns-${randomUUID()}`);
    expect((await issueToken(b, other, { cardId: await cardIn(b, other, pan), cvc: '123' })).status).toBe(201);
    // … while in A the number is at its limit for anyone.
    const third = newUser(`t-ns-${randomUUID()}`);
    expect((await issueToken(a, third, { cardId: await cardIn(a, third, pan), cvc: '123' })).status).toBe(429);
  });

  it('idempotency records are the deployment\'s: one key in A and in B makes two tokens, in A and A2 one', async () => {
    const user = newUser(`t-ns-${randomUUID()}`);
    const key = `ns-${randomUUID()}`;
    const cardA = await cardIn(a, user);
    const inA = await issueToken(a, user, { cardId: cardA, cvc: '123' }, { 'idempotency-key': key });
    const inB = await issueToken(b, user, { cardId: await cardIn(b, user), cvc: '123' }, { 'idempotency-key': key });
    expect([inA.status, inB.status]).toEqual([201, 201]);
    expect(inB.headers['idempotent-replayed']).toBeUndefined();
    expect(inB.json.token).not.toBe(inA.json.token);
    const again = await issueToken(a2, user, { cardId: cardA, cvc: '123' }, { 'idempotency-key': key });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json.token).toBe(inA.json.token);
  });

  it('tokens are the deployment\'s: one issued by A redeems on A2 (same database), never on B', async () => {
    const one = await tokenIn(a, newUser());
    expect((await redeem(b, 'xero-payments', one)).status).toBe(404);
    expect((await redeem(a2, 'xero-payments', one)).status).toBe(200);
    const two = await tokenIn(a2, newUser());
    expect((await redeem(a, 'xero-payments', two)).status).toBe(200);
  });
});

describe('every key the vault writes carries its prefix', () => {
  let redis: OwnRedis;
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  let v: TestVault;
  beforeAll(async () => {
    // A Redis of this test's own: every key on it is the vault's, so none can hide among other suites' keys.
    [redis, scratch] = await Promise.all([startOwnRedis(), scratchDatabase()]);
    v = await startTestVault({ env: { DATABASE_URL: scratch.url, VAULT_REDIS_URL: redis.url } });
    await registerExampleProcessors(v);
  }, 60_000);
  afterAll(async () => {
    await v?.close();
    await redis?.stop();
    await scratch?.drop();
  });

  it('issue (with an idempotency key), redeem, a card delete and a processor change leave only prefixed keys', async () => {
    const user = newUser();
    const card = await cardIn(v, user);
    const issued = await issueToken(v, user, { cardId: card, cvc: '123' }, { 'idempotency-key': `ns-${randomUUID()}` });
    expect(issued.status).toBe(201);
    const kept = await tokenIn(v, user); // left outstanding
    expect((await redeem(v, 'xero-payments', issued.json.token)).status).toBe(200);
    expect((await v.internal(`/v1/cards/${card}`, { method: 'DELETE', user })).status).toBe(204);
    await registerExampleProcessors(v);
    expect(kept).toBeTruthy();

    const server = await v.serverRedis();
    const keys = await server.keys('*');
    expect(keys.length).toBeGreaterThan(3);
    expect(keys.filter((k) => !k.startsWith(`${v.redisKeyPrefix}vault:`))).toEqual([]);
    // The families this flow writes, each under the prefix.
    const families = new Set(keys.map((k) => k.slice(v.redisKeyPrefix.length).split(':{')[0]));
    expect([...families]).toEqual(expect.arrayContaining(['vault:token', 'vault:idem', 'vault:rate:card', 'vault:rate:user', 'vault:rate:card-number']));
  });
});
