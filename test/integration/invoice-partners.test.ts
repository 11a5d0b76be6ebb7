import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partnerJwks, partnerPrivateJwk } from '../support/payments.ts';
import { startTestVault, type TestVault } from '../support/test-vault.ts';

/**
 * The partner registry over HTTP where gRPC cannot say the same thing (the parity suite has the rest): private
 * members, which the `Jwk` message has no field for, and an empty JWKS, which proto3 cannot tell from none.
 */
let v: TestVault;
beforeAll(async () => {
  v = await startTestVault();
});
afterAll(async () => {
  await v?.close();
});

const put = (body: Record<string, unknown>, id = `http-${randomBytes(4).toString('hex')}`) =>
  v.internal(`/v1/partners/${id}`, { as: 'admin', method: 'PUT', body: { name: 'HTTP', enabled: true, ...body } });

describe('PUT /v1/partners/{id} over HTTP', () => {
  it('refuses a private key, whichever curve, naming it; nothing is registered', async () => {
    const id = `http-${randomBytes(4).toString('hex')}`;
    const res = await put({ jwks: { keys: [partnerPrivateJwk('xero'), partnerPrivateJwk('freshbooks')] } }, id);
    expect([res.status, res.json.code, res.json.errors]).toEqual([
      422,
      'jwks_invalid',
      [
        { path: 'jwks.keys.0', code: 'private_key_material' },
        { path: 'jwks.keys.1', code: 'private_key_material' },
      ],
    ]);
    expect(res.text).not.toContain(partnerPrivateJwk('xero').d);
    const listed = await v.internal('/v1/partners', { as: 'admin' });
    expect(listed.json.data.map((p: { id: string }) => p.id)).not.toContain(id);
  });

  it('refuses an empty JWKS, and a JWKS member it does not know', async () => {
    expect((await put({ jwks: { keys: [] } })).json).toMatchObject({ code: 'jwks_invalid', errors: [{ path: 'jwks.keys', code: 'expected_1_to_10_keys' }] });
    expect((await put({ jwks: { ...partnerJwks('xero'), extra: 1 } })).json).toMatchObject({ code: 'invalid_request' });
  });
});
