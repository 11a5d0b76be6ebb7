import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Secret } from './secret.ts';

/**
 * Raw key files: one key per file, base64 of the key bytes, named `<version>.key` for wrapping keys
 * (`v1.key`, `v2.key`, …) and `fingerprint-<version>.key` for fingerprint keys.
 */
export function readKeyFile(file: string): Secret<Uint8Array> {
  const text = readFileSync(file, 'utf8').trim();
  /* Precondition: strict base64, so a truncated or mangled file fails here, not as a weak key. */
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw new Error(`key file ${path.basename(file)} is not base64`);
  return new Secret(new Uint8Array(Buffer.from(text, 'base64')));
}

export interface VersionedKey {
  readonly version: string;
  readonly material: Secret<Uint8Array>;
}

function readVersioned(dir: string, prefix: string): VersionedKey[] {
  const pattern = new RegExp(`^${prefix}v([1-9][0-9]*)\\.key$`);
  return readdirSync(dir)
    .map((name) => ({ name, n: pattern.exec(name)?.[1] }))
    .filter((f): f is { name: string; n: string } => f.n !== undefined)
    .sort((a, b) => Number(a.n) - Number(b.n))
    .map(({ name, n }) => ({ version: `v${n}`, material: readKeyFile(path.join(dir, name)) }));
}

/** `v1.key`, `v2.key`, … — AES-256 wrapping keys. */
export function readWrappingKeys(dir: string): VersionedKey[] {
  return readVersioned(dir, '');
}

/** `fingerprint-v1.key`, … — HMAC keys for PAN fingerprints. */
export function readFingerprintKeys(dir: string): VersionedKey[] {
  return readVersioned(dir, 'fingerprint-');
}
