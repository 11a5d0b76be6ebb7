import net from 'node:net';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';
import { TEST_REDIS_KEY_PREFIX } from '../support/test-redis.ts';

/**
 * PostgreSQL unreachable: a port that accepts nothing (refused), and a port that accepts TCP but never answers
 * (a hung server), each its own vault. Every call must answer 503 service_unavailable quickly, leak nothing.
 */
let refused: TestVault;
let hung: TestVault;
let blackHole: net.Server;
beforeAll(async () => {
  blackHole = net.createServer(() => {});
  await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', r));
  const holePort = (blackHole.address() as net.AddressInfo).port;
  // The Redis namespace given: a vault that cannot reach its database cannot read its deployment id there.
  const VAULT_REDIS_KEY_PREFIX = TEST_REDIS_KEY_PREFIX.replace(/:$/, '');
  refused = await startTestVault({ env: { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/vault_test', VAULT_REDIS_KEY_PREFIX } });
  hung = await startTestVault({ env: { DATABASE_URL: `postgresql://postgres@127.0.0.1:${holePort}/vault_test`, VAULT_REDIS_KEY_PREFIX } });
});
afterAll(async () => {
  await refused.close();
  await hung.close();
  blackHole.close();
});

describe('with PostgreSQL unreachable the vault fails closed', () => {
  for (const [label, get] of [['connection refused', () => refused], ['server not answering', () => hung]] as const) {
    it(`${label}: every route answers 503 service_unavailable within 2.5 s`, async () => {
      const v = get();
      const user = newUser();
      const calls = [
        () => v.internal('/v1/card-sessions', { user, body: {} }),
        () => v.internal('/v1/cards', { user }),
        () => v.internal('/v1/billing-profiles', { user, body: { name: 'a', line1: 'b', city: 'c', postalCode: 'd', country: 'FR' } }),
        () => v.public('/v1/cards', { body: visa(), headers: { authorization: 'CardSession cs_xxxxxxxxxxxxxxxxxxxxxx_secret_yyyyyyyyyyyyyyyyyyyy' } }),
      ];
      for (const call of calls) {
        const started = Date.now();
        const res = await call();
        expect(Date.now() - started).toBeLessThan(2_500);
        expect(res.status).toBe(503);
        expect(res.json).toMatchObject({ code: 'service_unavailable', status: 503 });
        expect(res.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres|prisma|stack/i);
      }
      expect(v.logs.join('\n')).not.toContain('4242424242424242');
    });
  }

  it('readiness reports the database failing, liveness stays up', async () => {
    const ready = await supertest(refused.vault.probeApp).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ ready: false, checks: { postgres: 'failing', redis: 'ok', keyring: 'ok' } });
    expect((await supertest(refused.vault.probeApp).get('/healthz')).status).toBe(200);
  });
});
