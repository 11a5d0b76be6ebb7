import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openAddress } from '../../services/vault/src/billing-profiles/billing-profile-secret.ts';
import { openPan } from '../../services/vault/src/cards/card-secret.ts';
import { loadConfig } from '../../services/vault/src/config/load-config.ts';
import { buildCrypto } from '../../services/vault/src/crypto/build-crypto.ts';

/**
 * Known-answer vectors: ciphertexts written by earlier versions with the keys-example keys. Every one must keep
 * decrypting to its recorded plaintext, with today's code, forever. A format change needs a migration that keeps
 * these opening; never edit or regenerate a vector file.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here).filter((f) => f.endsWith('.json'));
const { envelope, fingerprinter } = buildCrypto(loadConfig({ VAULT_KEY_CURRENT: 'v2', VAULT_FINGERPRINT_KEY_CURRENT: 'v1' }).keys);
const fingerprinters = {
  v1: fingerprinter,
  v2: buildCrypto(loadConfig({ VAULT_KEY_CURRENT: 'v2', VAULT_FINGERPRINT_KEY_CURRENT: 'v2' }).keys).fingerprinter,
};

describe('known-answer vectors', () => {
  it('exist', () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    const { vectors } = JSON.parse(readFileSync(path.join(here, file), 'utf8')) as { vectors: any[] };
    for (const [i, v] of vectors.entries()) {
      it(`${file} #${i}: ${v.kind} under ${v.keyVersion}`, async () => {
        const ciphertext = Buffer.from(v.ciphertext, 'base64');
        if (v.kind === 'card') {
          const pan = await openPan(envelope, { ...v.place, ciphertext });
          expect(pan.reveal()).toBe(v.plaintext.number);
          expect(fingerprinters[v.keyVersion as 'v1' | 'v2'].fingerprint(v.place.tenantId, pan)).toBe(v.fingerprint);
        } else {
          expect(await openAddress(envelope, { ...v.place, ciphertext })).toEqual(v.plaintext);
        }
      });
    }
  }
});
