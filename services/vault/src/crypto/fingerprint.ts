import { createHmac } from 'node:crypto';
import type { Pan, Secret } from './secret.ts';

export interface FingerprintKey {
  readonly version: string;
  readonly material: Secret<Uint8Array>;
}

export interface Fingerprinter {
  readonly keyVersion: string;
  /** A keyed hash of the PAN, stable within a tenant and unrelated across tenants. */
  fingerprint(tenantId: string, pan: Pan): string;
}

/**
 * PAN fingerprints: HMAC-SHA-256 with a dedicated key (PCI DSS 4.0.1 3.5.1.1 requires a keyed hash), under a
 * per-tenant subkey derived as HMAC(key, "vault-fingerprint/v1|" + tenant), so the same card in two tenants
 * does not link. Output: `fp_` + base64url of the full 32-byte MAC.
 */
export class HmacFingerprinter implements Fingerprinter {
  readonly keyVersion: string;
  readonly #key: Secret<Uint8Array>;
  readonly #tenantKeys = new Map<string, Buffer>();

  constructor(key: FingerprintKey) {
    /* Precondition: at least 256 bits, or the keyed hash is weaker than its name says. */
    if (key.material.reveal().length < 32) throw new Error('fingerprint key must be at least 32 bytes');
    this.keyVersion = key.version;
    this.#key = key.material;
  }

  fingerprint(tenantId: string, pan: Pan): string {
    const mac = createHmac('sha256', this.#tenantKey(tenantId)).update(pan.reveal(), 'ascii').digest('base64url');
    return `fp_${mac}`;
  }

  #tenantKey(tenantId: string): Buffer {
    let key = this.#tenantKeys.get(tenantId);
    if (!key) {
      key = createHmac('sha256', this.#key.reveal()).update(`vault-fingerprint/v1|${tenantId}`, 'utf8').digest();
      if (this.#tenantKeys.size > 10_000) this.#tenantKeys.clear();
      this.#tenantKeys.set(tenantId, key);
    }
    return key;
  }
}
