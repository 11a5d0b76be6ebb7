import { readFileSync } from 'node:fs';
import { importJWK, SignJWT, type JWK } from 'jose';
import { keysExample } from '../config/repo-paths.ts';

export const DEV_ISSUER = 'https://identity.example.test';
export const DEV_AUDIENCE = 'payment-vault';

export interface AssertionClaims {
  readonly sub: string;
  readonly tid: string;
  readonly gid?: string;
  /** The service the user acts through (`account-settings`, `payment-flow`); production requires it. */
  readonly azp?: string;
}

/**
 * A user assertion signed with the keys-example issuer key, as the identity provider would issue one: for dev
 * mode, the demo, tests and benchmarks. Production never trusts this key.
 */
export async function mintDevAssertion(claims: AssertionClaims, options: { lifetimeSeconds?: number; audience?: string; issuer?: string } = {}): Promise<string> {
  const jwk = JSON.parse(readFileSync(keysExample('identity', 'issuer-private.jwk.json'), 'utf8')) as JWK;
  const key = await importJWK(jwk, 'ES256');
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ tid: claims.tid, ...(claims.gid ? { gid: claims.gid } : {}), ...(claims.azp ? { azp: claims.azp } : {}) })
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid ?? 'example-issuer-1', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(options.issuer ?? DEV_ISSUER)
    .setAudience(options.audience ?? DEV_AUDIENCE)
    // One clock reading for both: jose reads the clock once per claim, and when a second ticks in between, exp - iat
    // is 301 and the vault (rightly) refuses a 300 s assertion — the 401 that cards-api saw under load.
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.lifetimeSeconds ?? 300))
    .sign(key);
}
