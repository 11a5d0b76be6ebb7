import { CompactEncrypt, importJWK, type CryptoKey, type KeyObject } from 'jose';
import { CONTENT_ENCRYPTION, type ProcessorKey } from './processor-key.ts';

const imported = new Map<string, Promise<CryptoKey | KeyObject | Uint8Array>>();

/**
 * Encrypts a payload to one processor's public key as a compact JWE: `alg` from the key (RSA-OAEP-256 or
 * ECDH-ES+A256KW, both allow-listed at registration), `enc` A256GCM, `kid` in the protected header. Only the
 * holder of the processor's private key can open it.
 */
export async function encryptForProcessor(payload: unknown, key: ProcessorKey): Promise<string> {
  const cacheKey = `${key.kid}|${JSON.stringify(key.jwk)}`;
  let publicKey = imported.get(cacheKey);
  if (!publicKey) {
    publicKey = importJWK(key.jwk, key.alg);
    if (imported.size > 1_000) imported.clear();
    imported.set(cacheKey, publicKey);
  }
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: key.alg, enc: CONTENT_ENCRYPTION, kid: key.kid, cty: 'JSON' })
    .encrypt(await publicKey);
}
