/**
 * The vault's OpenPGP import keys. Whoever sends the vault a card file encrypts it to the public key; the private
 * key never exists outside the vault's memory in clear: it is stored sealed by the envelope (KMS or the raw
 * keyring, like every other secret), in `import_keys` (import-key-repository.ts), registered as an encrypted record
 * type so the key-rotation job re-encrypts it and `keys:retire` counts it. Keys are curve25519 and advertise AEAD
 * (SEIPDv2), so files from current OpenPGP implementations decrypt in authenticated chunks.
 */
import { randomBytes } from 'node:crypto';
import * as openpgp from 'openpgp';
import type { Envelope } from '../crypto/envelope.ts';
import { encryptionContext } from '../encrypted-records/encrypted-record-type.ts';
import { IMPORT_KEY_RECORDS } from './import-key-record.ts';
import type { ImportKeyRepository } from './import-key-repository.ts';

export interface CreatedImportKey {
  readonly id: string;
  readonly fingerprint: string;
  readonly publicKey: string;
}

/**
 * Generates a key pair, stores it (private key sealed) and returns the public half to hand out. A pool stands for
 * the import keys' SQL repository on it: what test/bench/import-bench.ts passes (to go once it passes a repository).
 */
export async function createImportKey(keys: ImportKeyRepository, envelope: Envelope, name = 'Payment vault card import'): Promise<CreatedImportKey> {
  const { privateKey } = await openpgp.generateKey({ type: 'curve25519', userIDs: [{ name }], format: 'armored', config: { aeadProtect: true } });
  return storeImportKey(keys, envelope, privateKey);
}

/**
 * Stores an existing (unencrypted, armored) private key as an import key — for files already encrypted to a key
 * the operator holds (a migration from another vault); the key is sealed like a generated one.
 */
export async function storeImportKey(keys: ImportKeyRepository, envelope: Envelope, privateKey: string): Promise<CreatedImportKey> {
  let key: openpgp.PrivateKey;
  try {
    key = await openpgp.readPrivateKey({ armoredKey: privateKey });
  } catch {
    throw new Error('not an armored OpenPGP private key');
  }
  if (!key.isDecrypted()) throw new Error('the private key is passphrase-protected: export it without a passphrase for the vault to seal');
  const publicKey = key.toPublic().armor();
  const fingerprint = key.getFingerprint();
  const id = `ik_${randomBytes(12).toString('base64url')}`;
  const sealed = await envelope.encrypt(Buffer.from(privateKey, 'utf8'), encryptionContext(IMPORT_KEY_RECORDS, { id }));
  await keys.insert({ id, fingerprint, publicKey, ciphertext: sealed.ciphertext, keyVersion: sealed.keyVersion });
  return { id, fingerprint, publicKey };
}

/** Every import key not retired, opened (for decrypting a file; kept in memory only while the import runs). */
export async function openImportKeys(keys: ImportKeyRepository, envelope: Envelope): Promise<openpgp.PrivateKey[]> {
  const opened: openpgp.PrivateKey[] = [];
  for (const row of await keys.listSealed()) {
    const armored = await envelope.decrypt(row.ciphertext, encryptionContext(IMPORT_KEY_RECORDS, { id: row.id }));
    try {
      opened.push(await openpgp.readPrivateKey({ armoredKey: Buffer.from(armored).toString('utf8') }));
    } finally {
      armored.fill(0);
    }
  }
  return opened;
}

/** The newest import key's public half (what a sender needs), or null when none was made. */
export function currentImportPublicKey(keys: ImportKeyRepository): Promise<CreatedImportKey | null> {
  return keys.findCurrent();
}
