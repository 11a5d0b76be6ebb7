import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KEYRING_UNAVAILABLE_EXIT } from '../../services/key-rotation/src/keyring-outage.ts';
import { openPan } from '../../services/vault/src/cards/card-secret.ts';
import { loadConfig } from '../../services/vault/src/config/load-config.ts';
import { buildCrypto } from '../../services/vault/src/crypto/build-crypto.ts';
import { DecryptionFailed } from '../../services/vault/src/crypto/envelope.ts';
import { openDatabase, type Database } from '../../services/vault/src/storage/database.ts';
import { kmsEnv, setEnv, startKmsEndpoint, testKeyArn, type KmsEndpoint } from '../support/kms-endpoint.ts';
import { issueToken, redeem, registerExampleProcessors } from '../support/payments.ts';
import { seedUnderV1, type SeededCard } from '../support/rotation-fixtures.ts';
import { spawnNodeScript } from '../support/run-script.ts';
import { scratchDatabase } from '../support/test-database.ts';
import { newUser, startTestVault, visa } from '../support/test-vault.ts';

/**
 * The key-rotation job and keys:retire on the production keyring (VAULT_KEYRING=kms), against the loopback
 * KMS-protocol endpoint: a rotation to completion, and a KMS outage in the middle of one — the job stops with its
 * own exit code and "rerun", marks no row failed, keeps what it committed, and a rerun once KMS answers finishes.
 * Each test has a database of its own (the job rotates every row of the database it is given).
 */

// A region no other test file uses: the SDK may cache a KMS client per region in a process, made with the
// endpoint of the file that asked first.
const REGION = 'ap-southeast-2';
const V1 = testKeyArn(`rotation-v1-${randomUUID()}`, REGION);
const V2 = testKeyArn(`rotation-v2-${randomUUID()}`, REGION);

let kms: KmsEndpoint;
let restoreEnv: () => void;

beforeAll(async () => {
  kms = await startKmsEndpoint();
  // Before this process makes its first KMS client (the seeding and the in-process vaults read it), for the whole file.
  restoreEnv = setEnv(kmsEnv(kms, REGION));
});
afterAll(async () => {
  await kms?.close();
  restoreEnv?.();
});

const keysOn = (arns: string, current: 'v1' | 'v2') => ({ VAULT_KEYRING: 'kms', VAULT_KMS_KEY_ARNS: arns, VAULT_KEY_CURRENT: current });
/** What the job and keys:retire run with once v2 is current: both KMS keys, v2 writes. */
const rotationKeys = keysOn(`v1=${V1},v2=${V2}`, 'v2');
/** The vault's crypto on KMS with the given keys (the example fingerprint keys beside them). */
const kmsCrypto = (arns: string, current: 'v1' | 'v2') => buildCrypto(loadConfig(keysOn(arns, current)).keys);

/** A migrated database of its own, open, dropped when `body` ends. */
async function withScratch(body: (db: Database, url: string) => Promise<void>): Promise<void> {
  const scratch = await scratchDatabase();
  const db = openDatabase({ url: scratch.url, poolMax: 3 });
  try {
    await body(db, scratch.url);
  } finally {
    await db.close();
    await scratch.drop();
  }
}

/** `npm run rotate-keys` as an operator runs it (its own process, so it makes its own KMS clients from kmsEnv). */
function startRotation(url: string, workers: number) {
  const args = ['--workers', String(workers), '--batch-size', '10', '--concurrency', '2'];
  return spawnNodeScript('services/key-rotation/src/main.ts', args, { DATABASE_URL: url, ...rotationKeys, ...kmsEnv(kms, REGION) });
}

function retire(url: string, version: string) {
  return spawnNodeScript('services/key-rotation/src/retire-key.ts', [version], { DATABASE_URL: url, ...rotationKeys, ...kmsEnv(kms, REGION) }).done;
}

function reportOf(out: string) {
  const line = out.split('\n').find((l) => l.includes('"key_rotation.report"'));
  if (!line) throw new Error(`no report in the job's output:\n${out}`);
  return JSON.parse(line);
}

async function keyVersions(db: Database): Promise<Record<string, number>> {
  const { rows } = await db.pool.query<{ key_version: string; n: number }>('SELECT key_version, count(*)::int AS n FROM cards GROUP BY 1 ORDER BY 1');
  return Object.fromEntries(rows.map((r) => [r.key_version, r.n]));
}

async function rowFailures(db: Database): Promise<Array<[string, string]>> {
  const { rows } = await db.pool.query(`SELECT target, body FROM audit_events WHERE action = 'key_rotation.row_failed' ORDER BY id`);
  return rows.map((r) => [r.target, JSON.parse(r.body).reason]);
}

/** Nothing secret in what a command printed: no card number, no key ARN, no credential. */
function expectNothingSecret(out: string, cards: readonly SeededCard[]) {
  for (const card of cards) expect(out).not.toContain(card.pan);
  for (const secret of [V1, V2, kmsEnv(kms, REGION)['AWS_SECRET_ACCESS_KEY']!]) expect(out).not.toContain(secret);
}

/** Every seeded card opens under v2 alone (so it really is under v2) to its own number. */
async function expectAllOpenUnderV2(db: Database, cards: readonly SeededCard[]) {
  const v2Only = kmsCrypto(`v2=${V2}`, 'v2');
  const { rows } = await db.pool.query<{ id: string; tenant_id: string; user_id: string; ciphertext: Buffer }>('SELECT id, tenant_id, user_id, ciphertext FROM cards');
  expect(rows).toHaveLength(cards.length);
  const byId = new Map(cards.map((c) => [c.id, c.pan]));
  for (const row of rows) {
    expect((await openPan(v2Only.envelope, { id: row.id, tenantId: row.tenant_id, userId: row.user_id, ciphertext: row.ciphertext })).reveal()).toBe(byId.get(row.id));
  }
}

describe('rotation on KMS keys', () => {
  it('cards stored through the vault under v1 rotate to v2, v1 is retired (no KMS call needed), and the vault still serves them', async () => {
    await withScratch(async (db, url) => {
      const before = await startTestVault({ env: { DATABASE_URL: url, ...keysOn(`v1=${V1}`, 'v1') } });
      const user = newUser();
      const ids: string[] = [];
      try {
        await registerExampleProcessors(before);
        for (const number of ['4242424242424242', '5555555555554444', '4000056655665556']) {
          const added = await before.addCard(user, visa({ number }));
          expect(added.status, added.text).toBe(201);
          ids.push(added.json.id);
        }
      } finally {
        await before.close();
      }
      expect(await keyVersions(db)).toEqual({ v1: 3 });

      const rotation = await startRotation(url, 1).done;
      expect(rotation.code, rotation.out).toBe(0);
      expect(reportOf(rotation.out)).toMatchObject({ failed: 0, remaining: 0, targetKeyVersion: 'v2' });
      expect(await keyVersions(db)).toEqual({ v2: 3 });

      // keys:retire counts rows in PostgreSQL and calls no KMS: an outage does not stop it.
      await kms.refuse();
      try {
        const retired = await retire(url, 'v1');
        expect(retired.code, retired.out).toBe(0);
      } finally {
        await kms.heal();
      }
      const { rows } = await db.pool.query(`SELECT purpose, version, state FROM key_versions`);
      expect(rows).toEqual([{ purpose: 'wrapping', version: 'v1', state: 'retired' }]);

      // The vault without v1 (as a vault started after the retirement loads it) lists the cards and pays with each.
      const after = await startTestVault({ env: { DATABASE_URL: url, ...keysOn(`v2=${V2}`, 'v2') } });
      try {
        const list = await after.internal('/v1/cards', { user });
        expect(list.status, list.text).toBe(200);
        expect(list.json.data.map((c: { id: string }) => c.id).sort()).toEqual([...ids].sort());
        for (const cardId of ids) {
          const issued = await issueToken(after, user, { cardId, cvc: '123' });
          expect(issued.status, issued.text).toBe(201);
          expect((await redeem(after, 'xero-payments', issued.json.token)).status).toBe(200);
        }
      } finally {
        await after.close();
      }
    });
  }, 120_000);

  const outages = [
    ['throttled', () => kms.throttle()],
    ['refusing connections', () => kms.refuse()],
    // Ends as an outage only through the keyring's per-call deadline (VAULT_KMS_CALL_TIMEOUT_MS).
    ['hanging', () => kms.hang()],
  ] as const;
  // Workers 0: the outage is met on the job's own thread; 1: on a reseal worker, and crosses back as a message.
  for (const [what, fail] of outages) {
    for (const workers of [0, 1]) {
      it(`KMS ${what} mid-run (--workers ${workers}): the job stops with exit ${KEYRING_UNAVAILABLE_EXIT} and "rerun", marks no row failed, keeps its committed batches; a rerun once KMS answers finishes`, async () => {
        await withScratch(async (db, url) => {
          const { cards, profiles } = await seedUnderV1(db.pool, 200, kmsCrypto(`v1=${V1}`, 'v1'));
          const total = cards.length + profiles;
          // Slow enough answers that the job is surely mid-run when the outage starts; fast enough for a test.
          kms.slow(25);
          const job = startRotation(url, workers);
          try {
            // The outage starts once the job has committed its first batch.
            await vi.waitFor(
              async () => {
                if ((await keyVersions(db))['v2'] === undefined) throw new Error('no batch committed yet');
              },
              { timeout: 30_000, interval: 10 },
            );
            await fail();
            const stopped = await job.done;
            expect(stopped.code, stopped.out).toBe(KEYRING_UNAVAILABLE_EXIT);
            const lastLine = stopped.out.trim().split('\n').at(-1)!;
            expect(lastLine).toMatch(/^rotate-keys: stopped — the keyring \(KMS\) is unavailable \([A-Za-z0-9_.-]+\); \d+ row\(s\) rotated before it are kept and no row was marked failed; rerun to resume once KMS answers$/);
            expect(lastLine).not.toContain('(unknown)');
            expectNothingSecret(stopped.out, cards);

            const done = (await keyVersions(db))['v2'] ?? 0;
            expect(done).toBeGreaterThan(0); // committed batches stay …
            expect(done).toBeLessThan(cards.length); // … and the job really stopped
            expect(await rowFailures(db)).toEqual([]);
            const run = await db.pool.query(`SELECT status, failed FROM rotation_runs`);
            expect(run.rows).toEqual([{ status: 'running', failed: 0 }]); // the next run finds it abandoned
          } finally {
            job.child.kill();
            await kms.heal();
          }

          const rerun = await startRotation(url, workers).done;
          expect(rerun.code, rerun.out).toBe(0);
          const report = reportOf(rerun.out);
          expect(report).toMatchObject({ failed: 0, remaining: 0 });
          expect(report.abandonedRuns).toHaveLength(1);
          expect(report.pending).toBeLessThan(total);
          expect(await keyVersions(db)).toEqual({ v2: cards.length });
          expect(await rowFailures(db)).toEqual([]);
          await expectAllOpenUnderV2(db, cards);
        });
      }, 120_000);
    }
  }

  it('a card whose ciphertext was moved into another row still fails to decrypt and is left for a person; the rest rotates', async () => {
    await withScratch(async (db, url) => {
      const { cards } = await seedUnderV1(db.pool, 40, kmsCrypto(`v1=${V1}`, 'v1'));
      const [from, moved] = [cards[5]!, cards[6]!];
      await db.pool.query('UPDATE cards SET ciphertext = (SELECT ciphertext FROM cards WHERE id = $1) WHERE id = $2', [from.id, moved.id]);

      const rotation = await startRotation(url, 1).done;
      expect(rotation.code, rotation.out).toBe(1); // rows failed: not an outage
      expect(reportOf(rotation.out)).toMatchObject({ failed: 1, remaining: 1 });
      expectNothingSecret(rotation.out, cards);
      expect(await rowFailures(db)).toEqual([[moved.id, 'decryption_failed']]);
      expect(await keyVersions(db)).toEqual({ v1: 1, v2: cards.length - 1 });

      // Still bound to its own place: under v2 it opens as the card it came from, and never as the row it sits in.
      const { rows } = await db.pool.query('SELECT tenant_id, user_id, ciphertext, key_version FROM cards WHERE id = $1', [moved.id]);
      expect(rows[0].key_version).toBe('v1');
      const both = kmsCrypto(`v1=${V1},v2=${V2}`, 'v2');
      await expect(openPan(both.envelope, { id: moved.id, tenantId: rows[0].tenant_id, userId: rows[0].user_id, ciphertext: rows[0].ciphertext })).rejects.toBeInstanceOf(DecryptionFailed);
    });
  }, 120_000);
});
