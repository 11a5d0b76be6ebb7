import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPan } from '../../services/vault/src/cards/card-secret.ts';
import { openDatabase, type Database } from '../../services/vault/src/storage/database.ts';
import * as grpc from '@grpc/grpc-js';
import { mintDevAssertion } from '../../services/vault/src/dev/dev-assertion.ts';
import { distinctVisa } from '../support/card-numbers.ts';
import { call, vaultClient } from '../support/grpc-client.ts';
import { cryptoAt } from '../support/rotation-fixtures.ts';
import { runNpmScriptAsync, spawnNodeScript } from '../support/run-script.ts';
import { scratchDatabase } from '../support/test-database.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

/**
 * Card export under dual control (issue 14): refused without a second admin and when the approver is the requester;
 * the file opens with the recipient's private key and nothing else; and it re-imports into an empty vault to the
 * same cards.
 */
let v: TestVault;
let empty: Awaited<ReturnType<typeof scratchDatabase>>;
let emptyDb: Database;
let dir: string;
const ADMIN_A = { sub: 'alice', tid: 'ops' };
const ADMIN_B = { sub: 'bob', tid: 'ops' };

const cli = async (script: string, args: string[], databaseUrl: string) => spawnNodeScript(script, args, { DATABASE_URL: databaseUrl }).done;
const exportJob = (id: string, out: string) => cli('services/vault/src/portability/export-cli.ts', ['--id', id, '--out', out], v.config.database.url!);

const requestExport = (admin: typeof ADMIN_A, body: Record<string, unknown>) => v.internal('/v1/exports', { as: 'admin', user: admin, body });
const decide = (admin: typeof ADMIN_A, id: string, decision: 'approve' | 'refuse') => v.internal(`/v1/exports/${id}/${decision}`, { as: 'admin', user: admin, body: {} });

async function decryptFile(file: string, armoredPrivate: string): Promise<string> {
  const message = await openpgp.readMessage({ binaryMessage: readFileSync(file) });
  const { data } = await openpgp.decrypt({ message, decryptionKeys: await openpgp.readPrivateKey({ armoredKey: armoredPrivate }), format: 'binary' });
  return Buffer.from(data as Uint8Array).toString('utf8');
}

beforeAll(async () => {
  v = await startTestVault();
  empty = await scratchDatabase();
  emptyDb = openDatabase({ url: empty.url, poolMax: 2 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'card-export-'));
}, 60_000);
afterAll(async () => {
  await emptyDb?.close();
  await empty?.drop();
  await v?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A tenant with three users' cards, one with a billing address. */
async function tenantWithCards() {
  const tenant = `t-exp-${Date.now()}`;
  const salt = Date.now() % 100_000;
  const users = [newUser(tenant), newUser(tenant), newUser(tenant)];
  const profile = (await v.internal('/v1/billing-profiles', { user: users[0]!, body: { name: 'Export Person', line1: '9 Export Road', city: 'Portsmouth', postalCode: 'PO1 1AA', country: 'GB' } })).json;
  await v.addCard(users[0]!, visa({ number: distinctVisa(1, salt), cardholderName: 'Export Person', billingProfileId: profile.id }));
  await v.addCard(users[0]!, visa({ number: '5555555555554444', cardholderName: 'Export Person', expMonth: 3 }));
  await v.addCard(users[1]!, visa({ number: distinctVisa(2, salt), cardholderName: 'Second Person' }));
  await v.addCard(users[2]!, visa({ number: '378282246310005', cardholderName: 'Third Person' }));
  return { tenant, users };
}

/** A tenant's cards as (user, PAN, expiry, name) strings, decrypted. */
async function cardsOf(db: Database['pool'], tenant: string, keys = cryptoAt('v1')): Promise<string[]> {
  const { rows } = await db.query(`SELECT id, tenant_id, user_id, ciphertext, exp_month, exp_year, cardholder_name FROM cards WHERE tenant_id = $1`, [tenant]);
  const out: string[] = [];
  for (const r of rows) {
    const pan = await openPan(keys.envelope, { id: r.id, tenantId: r.tenant_id, userId: r.user_id, ciphertext: r.ciphertext });
    out.push(`${r.user_id}|${pan.reveal()}|${r.exp_month}/${r.exp_year}|${r.cardholder_name}`);
  }
  return out.sort();
}

describe('card export under dual control', () => {
  it('refused without a second admin and when the approver is the requester; written once after another admin approves; opens with the recipient key only; re-imports to the same cards', async () => {
    const { tenant } = await tenantWithCards();
    // The recipient: an empty vault's import key.
    const keyFile = path.join(dir, 'recipient.asc');
    const made = await runNpmScriptAsync('cards:import-key', { DATABASE_URL: empty.url }, ['--out', keyFile]);
    expect(made.status, made.stderr).toBe(0);
    const recipientPublicKey = readFileSync(keyFile, 'utf8');

    const requested = await requestExport(ADMIN_A, { tenantId: tenant, recipientPublicKey });
    expect(requested.status).toBe(201);
    expect(requested.json).toMatchObject({ status: 'pending', tenantId: tenant, userId: null, requestedBy: 'alice', approvedBy: null });
    const id = requested.json.id as string;
    const out = path.join(dir, 'export.csv.pgp');

    // No second admin yet: the job refuses.
    const early = await exportJob(id, out);
    expect(early.code).toBe(1);
    expect(early.out).toContain('not approved by a second admin');

    // The requester cannot approve their own request; and only the admin tenant's people are admins at all.
    const self = await decide(ADMIN_A, id, 'approve');
    expect(self.status).toBe(403);
    expect(self.json.code).toBe('approver_is_requester');
    const outsider = await decide({ sub: 'mallory', tid: 'some-tenant' }, id, 'approve');
    expect(outsider.status).toBe(403);
    expect(outsider.json.code).toBe('forbidden');

    const approved = await decide(ADMIN_B, id, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ status: 'approved', approvedBy: 'bob' });

    const written = await exportJob(id, out);
    expect(written.code, written.out).toBe(0);
    expect(written.out).toContain('4 cards written');
    expect((await v.internal(`/v1/exports/${id}`, { as: 'admin', user: ADMIN_B })).json.status).toBe('completed');
    // Once only.
    expect((await exportJob(id, path.join(dir, 'again.csv.pgp'))).code).toBe(1);

    // Only the recipient's private key opens it (the empty vault's, read the way the import does).
    const stranger = await openpgp.generateKey({ type: 'curve25519', userIDs: [{ name: 'Stranger' }], format: 'armored' });
    await expect(decryptFile(out, stranger.privateKey)).rejects.toThrow();
    expect(readFileSync(out).toString('latin1')).not.toContain('5555555555554444');

    // Round trip: imported into the empty vault, the same cards.
    const imported = await cli('services/vault/src/portability/import-cli.ts', ['--tenant', tenant, '--rate', '0', out], empty.url);
    expect(imported.code, imported.out).toBe(0);
    expect(await cardsOf(emptyDb.pool, tenant)).toEqual(await cardsOf(v.database.pool, tenant));
    const addresses = await emptyDb.pool.query(`SELECT count(*)::int AS n FROM billing_profiles WHERE tenant_id = $1`, [tenant]);
    expect(addresses.rows[0].n).toBe(1);

    // Request, refused approval, approval and completion are in the audit log.
    const { rows } = await v.database.pool.query(`SELECT action, outcome FROM audit_events WHERE target = $1 ORDER BY id`, [id]);
    expect(rows.map((r) => `${r.action}:${r.outcome}`)).toEqual(['export.request:success', 'export.complete:denied', 'export.approve:denied', 'export.approve:denied', 'export.approve:success', 'export.complete:success', 'export.read:success', 'export.complete:denied']);
    const denials = await v.database.pool.query(`SELECT body::json->>'reason' AS reason FROM audit_events WHERE target = $1 AND action = 'export.approve' AND outcome = 'denied' ORDER BY id`, [id]);
    expect(denials.rows.map((r) => r.reason)).toEqual(['approver_is_requester', 'not_an_admin']);
    const decrypts = await v.database.pool.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'card.decrypt' AND body::json->>'reason' = $1`, [`export=${id}`]);
    expect(decrypts.rows[0].n).toBe(4);
  }, 120_000);

  it('one user only; a refused request cannot be written; an expired one cannot be approved', async () => {
    const { tenant, users } = await tenantWithCards();
    const { publicKey } = await openpgp.generateKey({ type: 'curve25519', userIDs: [{ name: 'Recipient' }], format: 'armored' });
    const one = (await requestExport(ADMIN_A, { tenantId: tenant, userId: users[0]!.sub, recipientPublicKey: publicKey })).json;
    expect(one.userId).toBe(users[0]!.sub);
    expect((await decide(ADMIN_B, one.id, 'refuse')).json.status).toBe('refused');
    expect((await exportJob(one.id, path.join(dir, 'refused.pgp'))).code).toBe(1);
    expect((await decide(ADMIN_B, one.id, 'approve')).json.code).toBe('export_not_pending');

    const late = (await requestExport(ADMIN_A, { tenantId: tenant, recipientPublicKey: publicKey })).json;
    await v.database.pool.query(`UPDATE export_requests SET expires_at = now() - interval '1 second' WHERE id = $1`, [late.id]);
    const expired = await decide(ADMIN_B, late.id, 'approve');
    expect(expired.status).toBe(409);
    expect(expired.json.code).toBe('export_expired');
    expect((await v.internal(`/v1/exports/${late.id}`, { as: 'admin', user: ADMIN_A })).json.status).toBe('expired');
  }, 60_000);

  it('one job at a time per request; a request left exporting by a job that died is taken over', async () => {
    const { tenant } = await tenantWithCards();
    const { publicKey } = await openpgp.generateKey({ type: 'curve25519', userIDs: [{ name: 'Recipient' }], format: 'armored' });
    const id = (await requestExport(ADMIN_A, { tenantId: tenant, recipientPublicKey: publicKey })).json.id as string;
    await decide(ADMIN_B, id, 'approve');
    // A live writer holds the request's lock: another job is refused.
    const other = await v.database.pool.connect();
    try {
      await other.query(`SELECT pg_advisory_lock(hashtextextended('card-export|' || $1, 0))`, [id]);
      const refused = await exportJob(id, path.join(dir, 'busy.pgp'));
      expect(refused.code).toBe(1);
      expect(refused.out).toContain('another job is writing this export');
    } finally {
      other.release(true);
    }
    // A writer that died mid-file left it `exporting` (its lock died with it): the next job takes it over, once.
    await v.database.pool.query(`UPDATE export_requests SET status = 'exporting' WHERE id = $1`, [id]);
    const taken = await exportJob(id, path.join(dir, 'taken-over.pgp'));
    expect(taken.code, taken.out).toBe(0);
    expect((await exportJob(id, path.join(dir, 'third.pgp'))).code).toBe(1);
  }, 60_000);

  it('over gRPC: the same request, refusal of self-approval and approval', async () => {
    const { tenant } = await tenantWithCards();
    const { publicKey } = await openpgp.generateKey({ type: 'curve25519', userIDs: [{ name: 'Recipient' }], format: 'armored' });
    const admin = vaultClient(v.grpcTarget, 'admin');
    const as = async (who: typeof ADMIN_A) => ({ authorization: `Bearer ${await mintDevAssertion({ ...who, azp: 'admin' })}` });
    try {
      const requested = await call<Record<string, unknown>>(admin, 'RequestCardExport', { tenantId: tenant, recipientPublicKey: publicKey }, await as(ADMIN_A));
      expect(requested.error).toBeNull();
      expect(requested.value).toMatchObject({ tenantId: tenant, status: 'pending', requestedBy: 'alice' });
      const id = requested.value!['id'] as string;
      const self = await call(admin, 'ApproveCardExport', { id }, await as(ADMIN_A));
      expect(self.error?.code).toBe(grpc.status.PERMISSION_DENIED);
      expect(self.vaultCode).toBe('approver_is_requester');
      const approved = await call<Record<string, unknown>>(admin, 'ApproveCardExport', { id }, await as(ADMIN_B));
      expect(approved.value).toMatchObject({ status: 'approved', approvedBy: 'bob' });
      expect((await call<Record<string, unknown>>(admin, 'GetCardExport', { id }, await as(ADMIN_A))).value).toMatchObject({ status: 'approved' });
    } finally {
      admin.close();
    }
  });

  it('only admins acting as themselves; a recipient key must be a usable public key', async () => {
    const { publicKey, privateKey } = await openpgp.generateKey({ type: 'curve25519', userIDs: [{ name: 'Recipient' }], format: 'armored' });
    expect((await v.internal('/v1/exports', { as: 'account-settings', user: newUser(), body: { tenantId: 't-x', recipientPublicKey: publicKey } })).status).toBe(403);
    expect((await v.internal('/v1/exports', { as: 'admin', body: { tenantId: 't-x', recipientPublicKey: publicKey } })).status).toBe(401); // no user assertion
    for (const bad of [privateKey, `${publicKey.slice(0, 200)}garbage`, 'x'.repeat(150)]) {
      const res = await requestExport(ADMIN_A, { tenantId: 't-x', recipientPublicKey: bad });
      expect(res.status).toBe(400);
      expect(res.json.errors).toEqual([{ path: 'recipientPublicKey', code: 'recipient_key_invalid' }]);
    }
  });
});
