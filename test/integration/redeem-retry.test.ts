import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '../support/test-redis.ts';
import { issueToken, registerExampleProcessors } from '../support/payments.ts';
import { grpcTransport, httpTransport, type Transport } from '../support/transports.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

/**
 * A processor whose redeem answer was lost in flight repeats the redeem with the same redemptionId and gets the same
 * JWE (issue 25), over HTTP and gRPC; after the window the JWE is nowhere in the vault's stores.
 */
const WINDOW_S = 2;
let v: TestVault;
let transports: Transport[];

beforeAll(async () => {
  v = await startTestVault({ env: { VAULT_REDEEM_RETRY_SECONDS: String(WINDOW_S) } });
  await registerExampleProcessors(v);
  transports = [httpTransport(v), grpcTransport(v)];
});
afterAll(async () => {
  for (const t of transports ?? []) t.close();
  await v?.close();
});

async function tokenFor(user = newUser()) {
  const card = (await v.addCard(user, visa())).json;
  const issued = await issueToken(v, user, { cardId: card.id, cvc: '123' });
  if (issued.status !== 201) throw new Error(issued.text);
  return { user, card, token: issued.json.token as string };
}

/** Every place the vault keeps something: every Redis value and the rows of every table, as text. */
async function everythingStored(): Promise<string> {
  // Every key of the Redis, whatever its namespace: a client of its own without the vault's key prefix.
  const raw = new IORedis(TEST_REDIS_URL);
  const keys = await raw.keys('*');
  const values = await Promise.all(keys.map((k) => raw.type(k).then((type) => (type === 'string' ? raw.get(k) : ''))));
  raw.disconnect();
  const { rows: tables } = await v.database.pool.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
  const dumps = await Promise.all(tables.map((t) => v.database.pool.query(`SELECT t::text AS row FROM "${t.table_name}" t`).then((r) => r.rows.map((x) => x.row).join('\n'))));
  return [...values, ...dumps].join('\n');
}

describe('a redeem repeated with its redemptionId', () => {
  for (const name of ['http', 'grpc'] as const) {
    it(`${name}: the answer lost, the repeat gets the same JWE; another id, or another processor, a used token`, async () => {
      const t = transports.find((x) => x.name === name)!;
      const { token } = await tokenFor();
      const first = await t.redeem({}, { token, redemptionId: `lost-${name}` });
      expect(first.code, first.status).toBe('ok');
      // (The processor never saw `first`: its deadline fired after the vault sent it.)
      const again = await t.redeem({}, { token, redemptionId: `lost-${name}` });
      expect(again.code, again.status).toBe('ok');
      expect(again.body.jwe).toBe(first.body.jwe);
      expect((await t.redeem({}, { token, redemptionId: 'another' })).code).toBe('token_not_found');
      expect((await t.redeem({}, { token })).code).toBe('token_not_found');
      expect((await t.redeem({ as: 'processor-freshbooks-payments' }, { token, redemptionId: `lost-${name}` })).code).toBe('token_not_found');
      const { rows } = await v.database.pool.query(`SELECT body FROM audit_events WHERE action = 'payment_token.redeem' AND request_id = $1`, [again.requestId]);
      expect(rows.map((r) => JSON.parse(r.body).reason)).toEqual(['repeat']);
    });
  }

  it('after a card delete in between: 404', async () => {
    const { user, card, token } = await tokenFor();
    const t = transports[0]!;
    expect((await t.redeem({}, { token, redemptionId: 'r-del' })).code).toBe('ok');
    expect((await v.internal(`/v1/cards/${card.id}`, { method: 'DELETE', user })).status).toBe(204);
    expect((await t.redeem({}, { token, redemptionId: 'r-del' })).code).toBe('token_not_found');
  });

  it('after the window: 404, and a scan of every Redis value and every table row finds the JWE nowhere', async () => {
    const { token } = await tokenFor();
    const t = transports[0]!;
    const first = await t.redeem({}, { token, redemptionId: 'r-window' });
    expect(first.code).toBe('ok');
    expect(await everythingStored()).toContain(first.body.jwe); // kept for the retry, in Redis only
    await new Promise((resolve) => setTimeout(resolve, WINDOW_S * 1000 + 300));
    expect((await t.redeem({}, { token, redemptionId: 'r-window' })).code).toBe('token_not_found');
    expect(await everythingStored()).not.toContain(first.body.jwe);
  });
});
