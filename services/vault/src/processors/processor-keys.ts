import { importJWK, type JWK } from 'jose';
import { ClientError, type FieldProblem } from '../errors/vault-error.ts';
import type { KeyAlgorithm, ProcessorKey } from '../crypto/processor-key.ts';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const MAX_KEYS = 10;

/**
 * Validates a processor's JWKS: only encryption keys with a `kid`, RSA ≥ 2048 bits for RSA-OAEP-256 or EC P-256
 * for ECDH-ES+A256KW; a key that names another algorithm (RSA1_5, RSA-OAEP, ECDH-ES), another curve, a shorter
 * modulus, a signing use, or carries private members makes the whole JWKS unacceptable (422 `jwks_invalid`),
 * so a partner learns at once rather than at payment time.
 */
export async function validateJwks(jwks: unknown, previous: readonly ProcessorKey[], now: Date): Promise<ProcessorKey[]> {
  const problems: FieldProblem[] = [];
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS) {
    throw new ClientError('jwks_invalid', [{ path: 'jwks.keys', code: 'expected_1_to_10_keys' }]);
  }
  const seen = new Set<string>();
  const out: ProcessorKey[] = [];
  for (const [i, raw] of keys.entries()) {
    const path = `jwks.keys.${i}`;
    const problem = await checkKey(raw);
    if (problem) {
      problems.push({ path, code: problem });
      continue;
    }
    const jwk = raw as JWK & { kid: string };
    if (seen.has(jwk.kid)) {
      problems.push({ path, code: 'duplicate_kid' });
      continue;
    }
    seen.add(jwk.kid);
    const alg: KeyAlgorithm = jwk.kty === 'RSA' ? 'RSA-OAEP-256' : 'ECDH-ES+A256KW';
    const publicJwk: JWK =
      jwk.kty === 'RSA' ? { kty: 'RSA', n: jwk.n!, e: jwk.e!, kid: jwk.kid, alg, use: 'enc' } : { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y!, kid: jwk.kid, alg, use: 'enc' };
    const known = previous.find((k) => sameKey(k.jwk, publicJwk));
    out.push({ kid: jwk.kid, alg, jwk: publicJwk, addedAt: known?.addedAt ?? new Date(now.getTime() + i).toISOString() });
  }
  if (problems.length) throw new ClientError('jwks_invalid', problems);
  return out;
}

async function checkKey(raw: unknown): Promise<string | null> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return 'not_an_object';
  const jwk = raw as Record<string, unknown>;
  if (typeof jwk['kid'] !== 'string' || !/^[A-Za-z0-9._:-]{1,128}$/.test(jwk['kid'])) return 'kid_required';
  if (PRIVATE_MEMBERS.some((m) => m in jwk)) return 'private_key_material';
  if (jwk['use'] !== undefined && jwk['use'] !== 'enc') return 'not_an_encryption_key';
  if (jwk['key_ops'] !== undefined) return 'key_ops_not_supported';
  if (jwk['kty'] === 'RSA') {
    if (jwk['alg'] !== undefined && jwk['alg'] !== 'RSA-OAEP-256') return 'algorithm_not_allowed';
    if (typeof jwk['n'] !== 'string' || typeof jwk['e'] !== 'string') return 'malformed_key';
    if (modulusBits(jwk['n']) < 2048) return 'rsa_key_too_short';
  } else if (jwk['kty'] === 'EC') {
    if (jwk['alg'] !== undefined && jwk['alg'] !== 'ECDH-ES+A256KW') return 'algorithm_not_allowed';
    if (jwk['crv'] !== 'P-256') return 'curve_not_allowed';
    if (typeof jwk['x'] !== 'string' || typeof jwk['y'] !== 'string') return 'malformed_key';
  } else {
    return 'key_type_not_allowed';
  }
  try {
    await importJWK(jwk as JWK, jwk['kty'] === 'RSA' ? 'RSA-OAEP-256' : 'ECDH-ES+A256KW');
  } catch {
    return 'malformed_key';
  }
  return null;
}

function modulusBits(n: string): number {
  const bytes = Buffer.from(n, 'base64url');
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

/**
 * Whether two public JWKs are the same key under the same kid. Compared member by member: a JWK read back from
 * a jsonb column has its members in another order, so comparing serialisations would call every key new.
 */
export function sameKey(a: JWK, b: JWK): boolean {
  return (['kid', 'kty', 'n', 'e', 'crv', 'x', 'y'] as const).every((m) => a[m] === b[m]);
}

/** The newest key: the current recipient of new tokens. */
export function currentKey(keys: readonly ProcessorKey[]): ProcessorKey | null {
  return keys.reduce<ProcessorKey | null>((best, k) => (!best || k.addedAt >= best.addedAt ? k : best), null);
}
