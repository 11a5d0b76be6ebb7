import { createHmac } from 'node:crypto';
import type { Secret } from './secret.ts';

/**
 * HMAC-SHA-256 under a subkey derived for one purpose. Used where a digest of request data must be compared
 * later (idempotency) and the data may hold a CVC: an unkeyed hash of a 3-digit code is a lookup away.
 */
export class KeyedDigest {
  readonly #key: Buffer;
  constructor(master: Secret<Uint8Array>, purpose: string) {
    this.#key = createHmac('sha256', master.reveal()).update(`vault-digest/v1|${purpose}`, 'utf8').digest();
  }
  digest(...parts: string[]): string {
    const mac = createHmac('sha256', this.#key);
    for (const part of parts) mac.update(`${part.length}:${part}|`, 'utf8');
    return mac.digest('base64url');
  }
}
