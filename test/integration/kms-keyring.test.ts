import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
