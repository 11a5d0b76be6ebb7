import { importJWK, type JWK } from 'jose';
import { ClientError, type FieldProblem } from '../errors/vault-error.ts';
import type { PartnerKey, SignatureAlgorithm } from './partner-key.ts';

/** Why a partner's JWKS, or one key of it, is refused (the field problem's `code`): a closed list. */
export type PartnerJwksProblem =
  | 'expected_1_to_10_keys'
  | 'not_an_object'
  | 'kid_required'
  | 'duplicate_kid'
  | 'private_key_material'
  | 'not_a_signature_key'
  | 'key_ops_not_supported'
  | 'key_type_not_allowed'
  | 'curve_not_allowed'
  | 'algorithm_not_allowed'
  | 'malformed_key';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const MAX_KEYS = 10;
const KID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Validates an invoice partner's JWKS: only public signature keys with a `kid` — EC P-256 for ES256 or OKP Ed25519
 * for EdDSA (`alg` absent or exactly that, `use` absent or `sig`). A key of another type, curve or algorithm, one
 * for encryption, or one carrying private members makes the whole JWKS unacceptable (422 `jwks_invalid`, each
 * offending key named with its reason), so a partner learns at registration rather than at payment time.
 */
export async function validatePartnerJwks(jwks: unknown, previous: readonly PartnerKey[], now: Date): Promise<PartnerKey[]> {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS) {
    throw new ClientError('jwks_invalid', [{ path: 'jwks.keys', code: 'expected_1_to_10_keys' satisfies PartnerJwksProblem }]);
  }
  const problems: FieldProblem[] = [];
  const problem = (path: string, code: PartnerJwksProblem) => problems.push({ path, code });
  const seen = new Set<string>();
  const out: PartnerKey[] = [];
  for (const [i, raw] of keys.entries()) {
    const path = `jwks.keys.${i}`;
    const checked = await checkKey(raw);
    if (typeof checked === 'string') {
      problem(path, checked);
      continue;
    }
    const { jwk, alg } = checked;
    if (seen.has(jwk.kid)) {
      problem(path, 'duplicate_kid');
      continue;
    }
    seen.add(jwk.kid);
    const publicJwk: JWK =
      alg === 'ES256' ? { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y!, kid: jwk.kid, alg, use: 'sig' } : { kty: 'OKP', crv: 'Ed25519', x: jwk.x!, kid: jwk.kid, alg, use: 'sig' };
    const known = previous.find((k) => samePartnerKey(k.jwk, publicJwk));
    out.push({ kid: jwk.kid, alg, jwk: publicJwk, addedAt: known?.addedAt ?? new Date(now.getTime() + i).toISOString() });
  }
  if (problems.length) throw new ClientError('jwks_invalid', problems);
  return out;
}

async function checkKey(raw: unknown): Promise<PartnerJwksProblem | { jwk: JWK & { kid: string }; alg: SignatureAlgorithm }> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return 'not_an_object';
  const jwk = raw as Record<string, unknown>;
  if (typeof jwk['kid'] !== 'string' || !KID.test(jwk['kid'])) return 'kid_required';
  if (PRIVATE_MEMBERS.some((m) => m in jwk)) return 'private_key_material';
  if (jwk['use'] !== undefined && jwk['use'] !== 'sig') return 'not_a_signature_key';
  if (jwk['key_ops'] !== undefined) return 'key_ops_not_supported';
  let alg: SignatureAlgorithm;
  if (jwk['kty'] === 'EC') {
    if (jwk['alg'] !== undefined && jwk['alg'] !== 'ES256') return 'algorithm_not_allowed';
    if (jwk['crv'] !== 'P-256') return 'curve_not_allowed';
    if (typeof jwk['x'] !== 'string' || typeof jwk['y'] !== 'string') return 'malformed_key';
    alg = 'ES256';
  } else if (jwk['kty'] === 'OKP') {
    if (jwk['alg'] !== undefined && jwk['alg'] !== 'EdDSA') return 'algorithm_not_allowed';
    if (jwk['crv'] !== 'Ed25519') return 'curve_not_allowed';
    if (typeof jwk['x'] !== 'string' || 'y' in jwk) return 'malformed_key';
    alg = 'EdDSA';
  } else {
    return 'key_type_not_allowed';
  }
  try {
    // Node checks the point: an EC x/y off the curve, or an Ed25519 x of the wrong length, does not import.
    await importJWK({ kty: jwk['kty'], crv: jwk['crv'], x: jwk['x'], ...(alg === 'ES256' ? { y: jwk['y'] } : {}) } as JWK, alg);
  } catch {
    return 'malformed_key';
  }
  return { jwk: jwk as JWK & { kid: string }, alg };
}

/**
 * Whether two public JWKs are the same key under the same kid, member by member (a JWK read back from a jsonb
 * column has its members in another order).
 */
export function samePartnerKey(a: JWK, b: JWK): boolean {
  return (['kid', 'kty', 'crv', 'x', 'y'] as const).every((m) => a[m] === b[m]);
}
