import { generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { ClientError } from '../../services/vault/src/errors/vault-error.ts';
import { validatePartnerJwks } from '../../services/vault/src/partners/partner-keys.ts';
import { partnerJwks, partnerPrivateJwk } from '../support/payments.ts';

const now = new Date(Date.UTC(2026, 11, 1));
const xero = partnerJwks('xero').keys[0]!;
const fresh = partnerJwks('freshbooks').keys[0]!;

async function refusal(keys: unknown[]): Promise<unknown> {
  try {
    await validatePartnerJwks({ keys }, [], now);
  } catch (err) {
    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).code).toBe('jwks_invalid');
    return (err as ClientError).errors;
  }
  throw new Error('accepted');
}

describe('an invoice partner JWKS', () => {
  it('takes ES256 (P-256) and EdDSA (Ed25519) public keys, keeping public members only and pinning alg and use', async () => {
    const { kid: _k, alg: _a, use: _u, ...bare } = xero;
    const keys = await validatePartnerJwks({ keys: [{ ...bare, kid: 'bare-ec' }, fresh] }, [], now);
    expect(keys.map((k) => [k.kid, k.alg])).toEqual([['bare-ec', 'ES256'], ['freshbooks-invoices-example-1', 'EdDSA']]);
    expect(keys[0]!.jwk).toEqual({ kty: 'EC', crv: 'P-256', x: xero.x, y: xero.y, kid: 'bare-ec', alg: 'ES256', use: 'sig' });
    expect(keys[1]!.jwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: fresh.x, kid: fresh.kid, alg: 'EdDSA', use: 'sig' });
  });

  it('keeps when a known key was first seen, so a PUT that repeats it changes nothing', async () => {
    const first = await validatePartnerJwks({ keys: [xero] }, [], now);
    const again = await validatePartnerJwks({ keys: [xero, fresh] }, first, new Date(now.getTime() + 60_000));
    expect(again[0]!.addedAt).toBe(first[0]!.addedAt);
    expect(again[1]!.addedAt > first[0]!.addedAt).toBe(true);
  });

  const cases: ReadonlyArray<readonly [string, () => unknown, string]> = [
    ['a private EC key (d)', () => partnerPrivateJwk('xero'), 'private_key_material'],
    ['a private Ed25519 key (d)', () => partnerPrivateJwk('freshbooks'), 'private_key_material'],
    ['an HMAC secret (kty oct, k)', () => ({ kty: 'oct', k: 'c2VjcmV0', kid: 'h', alg: 'HS256' }), 'private_key_material'],
    ['kty oct without k', () => ({ kty: 'oct', kid: 'h', alg: 'HS256' }), 'key_type_not_allowed'],
    ['an RSA key', () => ({ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }), kid: 'r', alg: 'RS256' }), 'key_type_not_allowed'],
    ['no kid', () => ({ ...xero, kid: undefined }), 'kid_required'],
    ['a kid with a space', () => ({ ...xero, kid: 'a b' }), 'kid_required'],
    ['use enc', () => ({ ...xero, use: 'enc' }), 'not_a_signature_key'],
    ['key_ops', () => ({ ...xero, key_ops: ['verify'] }), 'key_ops_not_supported'],
    ['P-384', () => ({ ...generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' }), kid: 'p384' }), 'curve_not_allowed'],
    ['secp256k1 named ES256K', () => ({ ...generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256K' }), 'algorithm_not_allowed'],
    ['Ed448', () => ({ ...generateKeyPairSync('ed448').publicKey.export({ format: 'jwk' }), kid: 'e448' }), 'curve_not_allowed'],
    ['X25519 (a key-agreement curve)', () => ({ ...generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' }), kid: 'x' }), 'curve_not_allowed'],
    ['an EC key named EdDSA', () => ({ ...xero, alg: 'EdDSA' }), 'algorithm_not_allowed'],
    ['an Ed25519 key named Ed25519 (not on the allow-list)', () => ({ ...fresh, alg: 'Ed25519' }), 'algorithm_not_allowed'],
    ['an HS256 alg on an EC key', () => ({ ...xero, alg: 'HS256' }), 'algorithm_not_allowed'],
    ['an EC point off the curve', () => ({ ...xero, y: xero.x }), 'malformed_key'],
    ['an Ed25519 x of 31 bytes', () => ({ ...fresh, x: Buffer.alloc(31, 1).toString('base64url') }), 'malformed_key'],
    ['not an object', () => 'key', 'not_an_object'],
  ];
  it.each(cases)('refuses the whole JWKS for %s, naming the key and why', async (_name, key, code) => {
    expect(await refusal([xero, key() as JWK])).toEqual([{ path: 'jwks.keys.1', code }]);
  });

  it('refuses a kid given twice, and a JWKS of no key or more than 10', async () => {
    expect(await refusal([xero, { ...fresh, kid: xero.kid }])).toEqual([{ path: 'jwks.keys.1', code: 'duplicate_kid' }]);
    expect(await refusal([])).toEqual([{ path: 'jwks.keys', code: 'expected_1_to_10_keys' }]);
    expect(await refusal(Array.from({ length: 11 }, (_, i) => ({ ...xero, kid: `k${i}` })))).toEqual([{ path: 'jwks.keys', code: 'expected_1_to_10_keys' }]);
  });
});
