import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

/** During a fingerprint-key rotation the vault runs with v2 current while stored cards still carry v1 fingerprints. */
let onV1: TestVault;
let onV2: TestVault;
beforeAll(async () => {
  onV1 = await startTestVault({ env: { VAULT_FINGERPRINT_KEY_CURRENT: 'v1' } });
  onV2 = await startTestVault({ env: { VAULT_FINGERPRINT_KEY_CURRENT: 'v2' } });
});
afterAll(async () => {
  await onV1.close();
  await onV2.close();
});

describe('duplicate detection keeps working while fingerprints move to a new key', () => {
  it('a card stored under the v1 fingerprint is found as a duplicate by a vault on v2, and moved to v2', async () => {
    const user = newUser();
    const first = await onV1.addCard(user, visa());
    expect(first.status).toBe(201);
    const again = await onV2.addCard(user, visa({ cardholderName: 'Same Card Again' }));
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: first.json.id, duplicate: true, cardholderName: 'Same Card Again' });
    expect(again.json.fingerprint).not.toBe(first.json.fingerprint);
    const { rows } = await onV2.database.pool.query('SELECT fingerprint_key_version FROM cards WHERE tenant_id = $1', [user.tid]);
    expect(rows).toEqual([{ fingerprint_key_version: 'v2' }]);
    // And the v1 vault, still running somewhere during the roll-out, finds it too.
    const third = await onV1.addCard(user, visa());
    expect(third.json).toMatchObject({ id: first.json.id, duplicate: true });
  });
});
