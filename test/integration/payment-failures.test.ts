import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, redeem, registerExampleProcessors } from '../support/payments.ts';
import { startOwnRedis } from '../support/own-redis.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

describe('tokens expire', () => {
  let v: TestVault;
  beforeAll(async () => {
    v = await startTestVault({ env: { VAULT_TOKEN_TTL_SECONDS: '1' } });
    await registerExampleProcessors(v);
  });
  afterAll(async () => {
    await v.close();
  });

  it('an expired token answers 404', async () => {
    const user = newUser();
    const card = (await v.addCard(user, visa())).json;
    const issued = await issueToken(v, user, { cardId: card.id, cvc: '123' });
    expect(new Date(issued.json.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(1_000);
    await new Promise((r) => setTimeout(r, 1_600));
    const res = await redeem(v, 'xero-payments', issued.json.token);
    expect(res.status).toBe(404);
    expect(res.json.code).toBe('token_not_found');
  });
});

describe('the CVC is never kept (PCI DSS 3.3.1)', () => {
  let v: TestVault;
  beforeAll(async () => {
    v = await startTestVault({ env: { VAULT_TOKEN_TTL_SECONDS: '2', VAULT_LOG_LEVEL: 'debug' } });
    await registerExampleProcessors(v);
  });
  afterAll(async () => {
    await v.close();
  });

  const SENTINEL_CVC = '7391';
  const PAN = '371449635398431'; // Amex: a 4-digit CVC
  /** The sentinel as a value of its own: not inside a longer run of digits or base64url text. */
  const standalone = new RegExp(`(?<![A-Za-z0-9_-])${SENTINEL_CVC}(?![A-Za-z0-9_-])`);
  const panRuns = Array.from({ length: PAN.length - 9 }, (_, i) => PAN.slice(i, i + 10));
  const leaks = (text: string) => [...(standalone.test(text) ? [SENTINEL_CVC] : []), ...panRuns.filter((r) => text.includes(r))];

  it('is found in no Redis key or value, no PostgreSQL row and no log line', async () => {
    const user = newUser();
    const card = (await v.addCard(user, visa({ number: PAN }))).json;
    const tokens: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await issueToken(v, user, { cardId: card.id, cvc: SENTINEL_CVC }, { 'idempotency-key': `cvc-scan-${Date.now()}-${i}` });
      expect(res.status).toBe(201);
      tokens.push(res.json.token);
      // Two redeemed at once (their tokens live 2 s: on a loaded machine four issues can take longer), two left to expire.
      if (i < 2) expect((await redeem(v, 'xero-payments', res.json.token)).status).toBe(200);
    }
    await issueToken(v, user, { cardId: card.id, cvc: '739' }); // rejected (wrong length): must not log either

    // Every key on the server, read as stored: through a client without the vault's prefix.
    const server = await v.serverRedis();
    const scanRedis = async () => {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await server.scan(cursor, 'COUNT', 1000);
        cursor = next;
        // Pipelined: the Redis is shared, and a benchmark's leftovers (tens of thousands of keys) read one round
        // trip at a time outlasted the test's timeout.
        const types = (await keys.reduce((p, key) => p.type(key), server.pipeline()).exec()) ?? [];
        const reads = keys.reduce((p, key, i) => (types[i]?.[1] === 'string' ? p.get(key) : p.dump(key)), server.pipeline());
        const values = (await reads.exec()) ?? [];
        keys.forEach((key, i) => {
          const value = values[i]?.[1];
          found.push(...leaks(key), ...leaks(typeof value === 'string' ? value : JSON.stringify(value) ?? ''));
        });
      } while (cursor !== '0');
      return found;
    };
    expect(await scanRedis()).toEqual([]);
    await new Promise((r) => setTimeout(r, 2_500)); // the other two expire
    expect(await scanRedis()).toEqual([]);

    const { rows: tables } = await v.database.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    for (const { table_name } of tables) {
      const { rows } = await v.database.pool.query(`SELECT * FROM "${table_name}"`);
      for (const row of rows) {
        for (const value of Object.values(row)) {
          const text = Buffer.isBuffer(value) ? value.toString('latin1') : JSON.stringify(value) ?? '';
          expect(leaks(text), table_name).toEqual([]);
        }
      }
    }
    expect(leaks(v.logs.join('\n'))).toEqual([]);
  });
});

describe('payments fail closed', () => {
  it('with Redis unreachable, issue and redeem answer 503 within 2 s and write nothing', async () => {
    const redis = await startOwnRedis();
    const v = await startTestVault({ env: { VAULT_REDIS_URL: redis.url } });
    try {
      await registerExampleProcessors(v);
      const user = newUser();
      const card = (await v.addCard(user, visa())).json;
      const token = (await issueToken(v, user, { cardId: card.id, cvc: '123' })).json.token;
      await redis.stop();
      for (const call of [
        () => issueToken(v, user, { cardId: card.id, cvc: '123' }, { 'x-request-id': randomUUID() }),
        () => v.internal('/v1/payment-tokens/redeem', { as: 'processor-xero-payments', body: { token }, headers: { 'x-request-id': randomUUID() } }),
      ]) {
        const started = Date.now();
        const res = await call();
        expect(Date.now() - started).toBeLessThan(2_000);
        expect(res.status).toBe(503);
        expect(res.json.code).toBe('service_unavailable');
        const { rows } = await v.database.pool.query('SELECT count(*)::int AS n FROM audit_events WHERE request_id = $1', [res.json.requestId]);
        expect(rows[0].n).toBe(0);
      }
      // Deleting a card needs no Redis: its revocation epoch is bumped in the delete's own transaction, in PostgreSQL.
      expect((await v.internal(`/v1/cards/${card.id}`, { method: 'DELETE', user })).status).toBe(204);
      const { rows: epochs } = await v.database.pool.query('SELECT epoch::text FROM revocation_epochs WHERE scope = $1', [JSON.stringify(['card', user.tid, user.sub, card.id])]);
      expect(epochs.map((r) => r.epoch)).toEqual(['1']);
    } finally {
      await v.close();
      await redis.stop();
    }
  });

  it('with PostgreSQL unreachable, issue and redeem answer 503 within 2 s, and the token survives for a retry', async () => {
    const healthy = await startTestVault();
    // Its Redis namespace given, as it cannot read the database's deployment id: the healthy vault's (one deployment).
    const broken = await startTestVault({ env: { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/vault_test', VAULT_REDIS_KEY_PREFIX: healthy.redisKeyPrefix.replace(/:$/, '') } });
    try {
      await registerExampleProcessors(healthy);
      const user = newUser();
      const card = (await healthy.addCard(user, visa())).json;
      const token = (await issueToken(healthy, user, { cardId: card.id, cvc: '123' })).json.token;
      for (const call of [() => issueToken(broken, user, { cardId: card.id, cvc: '123' }), () => redeem(broken, 'xero-payments', token)]) {
        const started = Date.now();
        const res = await call();
        expect(Date.now() - started).toBeLessThan(2_000);
        expect(res.status).toBe(503);
        expect(res.json.code).toBe('service_unavailable');
      }
      expect((await redeem(healthy, 'xero-payments', token)).status).toBe(200);
    } finally {
      await healthy.close();
      await broken.close();
    }
  });
});
