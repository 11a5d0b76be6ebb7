import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kmsEnv, setEnv, startKmsEndpoint, testKeyArn, type KmsEndpoint } from '../support/kms-endpoint.ts';
import { issueToken, redeem, registerExampleProcessors } from '../support/payments.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

// The production keyring (VAULT_KEYRING=kms) against a loopback endpoint speaking the KMS JSON protocol: the
// vault's code path is unchanged, only AWS_ENDPOINT_URL_KMS differs.
let kms: KmsEndpoint;
let v: TestVault;
let restoreEnv: () => void;
const ARN = testKeyArn('1234abcd-12ab-34cd-56ef-1234567890ab');

beforeAll(async () => {
  kms = await startKmsEndpoint();
  // The SDK's KMS client reads region, credentials and endpoint from the process environment.
  restoreEnv = setEnv(kmsEnv(kms));
  v = await startTestVault({ env: { VAULT_KEYRING: 'kms', VAULT_KMS_KEY_ARNS: `v1=${ARN}`, VAULT_KEY_CURRENT: 'v1' } });
  await registerExampleProcessors(v);
});
afterEach(async () => {
  await kms.heal();
});
afterAll(async () => {
  await v?.close();
  await kms?.close();
  restoreEnv?.();
});

describe('the KMS keyring', () => {
  it('stores, lists, issues and redeems through KMS', async () => {
    const user = newUser();
    const added = await v.addCard(user, visa());
    expect(added.status, added.text).toBe(201);
    expect(kms.calls.GenerateDataKey).toBeGreaterThan(0);

    const list = await v.internal('/v1/cards', { user });
    expect(list.status, list.text).toBe(200);
    expect(list.json.data.map((c: { id: string }) => c.id)).toEqual([added.json.id]);

    const issued = await issueToken(v, user, { cardId: added.json.id, cvc: '123' });
    expect(issued.status, issued.text).toBe(201);
    expect(kms.calls.Decrypt).toBeGreaterThan(0);
    const redeemed = await redeem(v, 'xero-payments', issued.json.token);
    expect(redeemed.status, redeemed.text).toBe(200);

    const { rows } = await v.database.pool.query(`SELECT key_version FROM cards WHERE tenant_id = $1`, [user.tid]);
    expect(rows.map((r) => r.key_version)).toEqual(['v1']);
  });
});

async function auditOf(requestId: string) {
  const { rows } = await v.database.pool.query(`SELECT action, outcome, body FROM audit_events WHERE request_id = $1 ORDER BY id`, [requestId]);
  return rows.map((r) => [r.action, r.outcome, JSON.parse(r.body).reason]);
}

async function storedCard() {
  const user = newUser();
  const added = await v.addCard(user, visa());
  if (added.status !== 201) throw new Error(added.text);
  return { user, card: added.json };
}

describe('a KMS outage on decrypt is an outage, not tampering', () => {
  for (const [what, fail] of [
    ['throttled', () => kms.throttle()],
    ['refusing connections', () => kms.refuse()],
  ] as const) {
    it(`${what}: token issue answers 503, audits no decryption_failed, and works again once KMS answers`, async () => {
      const { user, card } = await storedCard();
      await fail();
      const requestId = randomUUID();
      const issued = await issueToken(v, user, { cardId: card.id, cvc: '123' }, { 'x-request-id': requestId });
      expect(issued.status, issued.text).toBe(503);
      expect(issued.json.code).toBe('service_unavailable');
      expect((await auditOf(requestId)).filter(([, , reason]) => reason === 'decryption_failed')).toEqual([]);

      await kms.heal();
      expect((await issueToken(v, user, { cardId: card.id, cvc: '123' })).status).toBe(201);
    });
  }

  it('a card moved into another row (wrong encryption context) still fails as tampering', async () => {
    const { user, card } = await storedCard();
    const other = (await v.addCard(user, visa({ number: '5555555555554444' }))).json;
    await v.database.pool.query('UPDATE cards SET ciphertext = (SELECT ciphertext FROM cards WHERE id = $1) WHERE id = $2', [card.id, other.id]);
    const requestId = randomUUID();
    const issued = await issueToken(v, user, { cardId: other.id, cvc: '123' }, { 'x-request-id': requestId });
    expect(issued.status).toBe(500);
    expect(await auditOf(requestId)).toContainEqual(['card.decrypt', 'failed', 'decryption_failed']);
  });

  it('a blob KMS does not authenticate (another key) still fails as tampering', async () => {
    const { user, card } = await storedCard();
    kms.rekey();
    const requestId = randomUUID();
    const issued = await issueToken(v, user, { cardId: card.id, cvc: '123' }, { 'x-request-id': requestId });
    expect(issued.status).toBe(500);
    expect(await auditOf(requestId)).toContainEqual(['card.decrypt', 'failed', 'decryption_failed']);
  });
});
