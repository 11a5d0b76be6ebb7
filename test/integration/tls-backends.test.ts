import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import { issueToken, redeem, registerExampleProcessors } from '../support/payments.ts';
import { migrateDatabase } from '../support/test-database.ts';
import { startOwnRedis } from '../support/own-redis.ts';
import { startTlsPostgres } from '../support/own-postgres.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

/** The card and token paths over TLS to PostgreSQL (verify-full) and Redis (rediss://), servers of the test's own. */
let postgres: Awaited<ReturnType<typeof startTlsPostgres>>;
let redis: Awaited<ReturnType<typeof startOwnRedis>>;
let v: TestVault;
beforeAll(async () => {
  [postgres, redis] = await Promise.all([startTlsPostgres(), startOwnRedis({ tls: true })]);
  await migrateDatabase(postgres.url);
  v = await startTestVault({ env: { DATABASE_URL: postgres.url, VAULT_REDIS_URL: redis.url, VAULT_REDIS_CA_FILE: keysExample('tls', 'ca.pem') } });
  await registerExampleProcessors(v);
}, 60_000);
afterAll(async () => {
  await v?.close();
  await redis?.stop();
  await postgres?.stop();
});

describe('encryption in transit to PostgreSQL and Redis', () => {
  it('the servers refuse plaintext clients', async () => {
    const plain = new pg.Client({ connectionString: postgres.url.replace(/\?.*$/, '?sslmode=disable') });
    await expect(plain.connect()).rejects.toThrow(/no encryption|pg_hba/);
    const plainRedis = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000 });
    plainRedis.on('error', () => {});
    await expect(plainRedis.connect().then(() => plainRedis.ping())).rejects.toThrow();
    plainRedis.disconnect();
  });

  it('the vault adds a card, issues and redeems a token over TLS to both', async () => {
    const user = newUser();
    const card = await v.addCard(user, visa());
    expect(card.status).toBe(201);
    const issued = await issueToken(v, user, { cardId: card.json.id, cvc: '123' });
    expect(issued.status).toBe(201);
    expect((await redeem(v, 'xero-payments', issued.json.token)).status).toBe(200);
    const { rows } = await v.database.pool.query('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    expect(rows[0]).toMatchObject({ ssl: true, version: expect.stringMatching(/^TLSv1\.[23]$/) });
    expect((v.redis as unknown as { stream?: { encrypted?: boolean } }).stream?.encrypted).toBe(true);
  });
});
