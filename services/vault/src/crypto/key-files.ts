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

export function readWrappingKeys(dir: string): Array<{ version: string; material: Secret<Uint8Array> }> {
  return readdirSync(dir)
    .filter((name) => /^v[1-9][0-9]*\.key$/.test(name))
    .sort((a, b) => Number(a.slice(1, -4)) - Number(b.slice(1, -4)))
    .map((name) => ({ version: name.slice(0, -4), material: readKeyFile(path.join(dir, name)) }));
}
