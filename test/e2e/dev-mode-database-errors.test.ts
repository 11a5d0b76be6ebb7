import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../services/vault/src/config/load-config.ts';
import { mintDevAssertion, type AssertionClaims } from '../../services/vault/src/dev/dev-assertion.ts';
import { migrate } from '../../services/vault/src/storage/migrator.ts';
import { openConfiguredDatabase } from '../../services/vault/src/storage/open-configured-database.ts';
import { clientCert, request, type HttpResult } from '../support/https-client.ts';
import { FUTURE_YEAR, newUser } from '../support/test-vault.ts';
import { startVaultProcess, type VaultProcess } from '../support/vault-process.ts';

/**
 * The vault in dev mode on its embedded database (PGlite behind pglite-socket: one PostgreSQL session under every
 * connection), after a write the database refuses. Each refusal fails a named prepared statement, and the pool
 * ends a connection whose statement failed; the next connection found the old one's prepared statements still in
 * the one session and failed with 42P05 "prepared statement already exists" — and so did most requests after,
 * until a restart. Against a real PostgreSQL server the same steps always worked. Here each refusal is followed
 * by ordinary requests that must all succeed.
 *
 * Two CHECK constraints are added to the dev database before the vault starts, so that a constraint violation is
 * reachable on the request path: a card with the cardholder name below (violated in vault_store_card, a statement
 * of its own), and a card-entry session for the user below (violated inside the session's transaction).
 */
const REFUSED_NAME = 'Refused By A Constraint';
const REFUSED_USER = 'u-refused-by-a-constraint';

const dataDir = mkdtempSync(path.join(tmpdir(), 'vault-dev-db-errors-'));
const pgdata = path.join(dataDir, 'pgdata');
let vault: VaultProcess;
/** Requests racing for one card-entry session, and the user whose session they raced for. */
const RACERS = 4;
let raced: AssertionClaims | undefined;
const agent = new https.Agent({ keepAlive: true, maxSockets: 8 });

beforeAll(async () => {
  // The dev database, opened the way the vault opens it, migrated as dev mode does, with the two constraints.
  const db = await openConfiguredDatabase(loadConfig({ VAULT_DEV_DATA_DIR: pgdata }));
  try {
    const client = await db.database.pool.connect();
    try {
      await migrate(client);
      await client.query(`ALTER TABLE "cards" ADD CONSTRAINT "test_refused_name" CHECK ("cardholder_name" <> '${REFUSED_NAME}')`);
      await client.query(`ALTER TABLE "card_entry_sessions" ADD CONSTRAINT "test_refused_user" CHECK ("user_id" <> '${REFUSED_USER}')`);
    } finally {
      client.release();
    }
  } finally {
    await db.close();
  }
  vault = await startVaultProcess({
    VAULT_DEV_DATA_DIR: pgdata,
    VAULT_MAX_CARDS_PER_USER: '1',
    // Other files use the same Redis and test card numbers at the same time (see test-vault.ts).
    VAULT_RATE_LIMIT_CARD_NUMBER: '1000000/60',
  });
}, 120_000);

afterAll(async () => {
  agent.destroy();
  await vault?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const internal = async (urlPath: string, options: { as: string; user?: AssertionClaims; body?: unknown }): Promise<HttpResult> =>
  request(vault.internalUrl, urlPath, {
    agent,
    identity: clientCert(options.as),
    ...(options.body !== undefined ? { body: options.body } : {}),
    headers: options.user ? { authorization: `Bearer ${await mintDevAssertion(options.user)}` } : {},
  });

const cardSession = (user: AssertionClaims) => internal('/v1/card-sessions', { as: 'account-settings', user, body: {} });

const addCard = (secret: string, card: Record<string, unknown>) =>
  request(vault.publicUrl, '/v1/cards', { agent, body: card, headers: { authorization: `CardSession ${secret}` } });

const card = (number: string, cardholderName = 'Ada Lovelace') => ({ number, expMonth: 12, expYear: FUTURE_YEAR, cardholderName });

async function secretFor(user: AssertionClaims): Promise<string> {
  const session = await cardSession(user);
  expect(session.status, session.text).toBe(201);
  return session.json.clientSecret as string;
}

/** What the vault must go on doing after a refused write: the requests that answered 500 before. */
async function expectNormalService(owner: AssertionClaims): Promise<void> {
  const statuses: number[] = [];
  for (let i = 0; i < 20; i++) statuses.push((await internal('/v1/processors', { as: 'admin' })).status);
  expect(statuses).toEqual(Array(20).fill(200));
  for (let i = 0; i < 3; i++) {
    const other = await cardSession(newUser());
    expect(other.status, other.text).toBe(201);
  }
  const list = await internal('/v1/cards', { as: 'account-settings', user: owner });
  expect(list.status, list.text).toBe(200);
}

describe('the dev-mode vault on its embedded database, after a write the database refuses', () => {
  it('serves on after a card past the limit (409 card_limit_reached)', async () => {
    const user = newUser();
    expect((await addCard(await secretFor(user), card('4242424242424242'))).status).toBe(201);
    const refused = await addCard(await secretFor(user), card('4111111111111111'));
    expect(refused.status, refused.text).toBe(409);
    expect(refused.json.code).toBe('card_limit_reached');
    await expectNormalService(user);
  });

  it('serves on after one card-entry session is spent by requests at once', async () => {
    const user = newUser();
    const secret = await secretFor(user);
    // Warm connections first, so that the requests reach the vault together: each reads the session as unused,
    // and all but one are refused by vault_store_card (VA002 session_used), checked in the audit log below.
    await Promise.all(Array.from({ length: RACERS }, () => request(vault.publicUrl, '/v1/card-form/card-form.css', { agent })));
    const all = await Promise.all(Array.from({ length: RACERS }, () => addCard(secret, card('4242424242424242'))));
    expect(all.map((r) => r.status).sort()).toEqual([201, ...Array(RACERS - 1).fill(401)]);
    raced = user;
    await expectNormalService(user);
  });

  it('serves on after a constraint violation in a statement of its own (a card add)', async () => {
    const user = newUser();
    const refused = await addCard(await secretFor(user), card('4242424242424242', REFUSED_NAME));
    expect(refused.status, refused.text).toBe(500);
    await expectNormalService(user);
  });

  it('serves on after a constraint violation inside a transaction (a card-entry session)', async () => {
    const refused = await cardSession({ ...newUser(), sub: REFUSED_USER });
    expect(refused.status, refused.text).toBe(500);
    await expectNormalService(newUser());
  });

  it('answered every refusal without a prepared-statement clash, the session race refused by the database', async () => {
    expect(vault.output()).not.toContain('42P05');
    expect(vault.output()).not.toContain('already exists');
    await vault.stop();
    const db = await openConfiguredDatabase(loadConfig({ VAULT_DEV_DATA_DIR: pgdata }));
    try {
      const { rows } = await db.database.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "audit_events" WHERE "user_id" = $1 AND "action" = 'card.create' AND "outcome" = 'denied' AND "body" LIKE '%session_already_used%'`,
        [raced!.sub],
      );
      expect(rows[0]!.n).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });
});
