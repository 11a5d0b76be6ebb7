import { createHmac } from 'node:crypto';
import type { Pan } from './secret.ts';
import type { VersionedKey } from './key-files.ts';

export interface Fingerprinter {
  /** The version new fingerprints are made with. */
  readonly keyVersion: string;
  /** A keyed hash of the PAN under the current key, stable within a tenant and unrelated across tenants. */
  fingerprint(tenantId: string, pan: Pan): string;
  /** The PAN's fingerprint under every loaded key, current first: duplicate detection during a key rotation. */
  allFingerprints(tenantId: string, pan: Pan): string[];
  /** Every loaded key version. */
  readonly keyVersions: readonly string[];
  /** A keyed hash of a fixed text under `version` (null if not loaded): proves which key is loaded, shows nothing. */
  canary(version: string): string | null;
}

/**
 * PAN fingerprints: HMAC-SHA-256 with a dedicated key (PCI DSS 4.0.1 3.5.1.1 requires a keyed hash), under a
 * per-tenant subkey derived as HMAC(key, "vault-fingerprint/v1|" + tenant), so the same card in two tenants
 * does not link. Output: `fp_` + base64url of the full 32-byte MAC. Several key versions may be loaded while
 * the rotation job recomputes stored fingerprints; new ones always use the current version.
 */
export class HmacFingerprinter implements Fingerprinter {
  readonly keyVersion: string;
  readonly #keys: ReadonlyArray<VersionedKey>;
  readonly #tenantKeys = new Map<string, Buffer>();

  constructor(keys: readonly VersionedKey[], current: string) {
    /* Precondition: at least 256 bits, or the keyed hash is weaker than its name says. */
    for (const key of keys) if (key.material.reveal().length < 32) throw new Error(`fingerprint key ${key.version} must be at least 32 bytes`);
    const currentKey = keys.find((k) => k.version === current);
    /* Precondition: the current version must be loaded, or no new card could be fingerprinted. */
    if (!currentKey) throw new Error(`current fingerprint key ${current} is not among the loaded keys`);
    this.keyVersion = current;
    this.#keys = [currentKey, ...keys.filter((k) => k !== currentKey)];
  }

  get keyVersions(): readonly string[] {
    return this.#keys.map((k) => k.version);
  }

  canary(version: string): string | null {
    const key = this.#keys.find((k) => k.version === version);
    return key ? createHmac('sha256', key.material.reveal()).update('vault-key-canary/v1', 'utf8').digest('base64url') : null;
  }

  fingerprint(tenantId: string, pan: Pan): string {
    return this.#mac(this.#keys[0]!, tenantId, pan);
  }

  allFingerprints(tenantId: string, pan: Pan): string[] {
    return this.#keys.map((key) => this.#mac(key, tenantId, pan));
  }

  #mac(key: VersionedKey, tenantId: string, pan: Pan): string {
    return `fp_${createHmac('sha256', this.#tenantKey(key, tenantId)).update(pan.reveal(), 'ascii').digest('base64url')}`;
  }

  #tenantKey(key: VersionedKey, tenantId: string): Buffer {
    const cacheKey = `${key.version}|${tenantId}`;
    let derived = this.#tenantKeys.get(cacheKey);
    if (!derived) {
      derived = createHmac('sha256', key.material.reveal()).update(`vault-fingerprint/v1|${tenantId}`, 'utf8').digest();
      if (this.#tenantKeys.size > 10_000) this.#tenantKeys.clear();
      this.#tenantKeys.set(cacheKey, derived);
    }
    return derived;
  }
}
