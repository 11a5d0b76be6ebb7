/**
 * The vault's OpenPGP import keys. Whoever sends the vault a card file encrypts it to the public key; the private
 * key never exists outside the vault's memory in clear: it is stored sealed by the envelope (KMS or the raw
 * keyring, like every other secret), in `import_keys`, registered as an encrypted record type so the key-rotation
 * job re-encrypts it and `keys:retire` counts it. Keys are curve25519 and advertise AEAD (SEIPDv2), so files from
 * current OpenPGP implementations decrypt in authenticated chunks.
 */
import { randomBytes } from 'node:crypto';
import * as openpgp from 'openpgp';
import type pg from 'pg';
import type { Envelope } from '../crypto/envelope.ts';
import { encryptionContext } from '../encrypted-records/encrypted-record-type.ts';
import { IMPORT_KEY_RECORDS } from './import-key-record.ts';

export interface CreatedImportKey {
  readonly id: string;
  readonly fingerprint: string;
  readonly publicKey: string;
}

/** Generates a key pair, stores it (private key sealed) and returns the public half to hand out. */
export async function createImportKey(pool: pg.Pool, envelope: Envelope, name = 'Payment vault card import'): Promise<CreatedImportKey> {
  const { privateKey } = await openpgp.generateKey({ type: 'curve25519', userIDs: [{ name }], format: 'armored', config: { aeadProtect: true } });
  return storeImportKey(pool, envelope, privateKey);
}

/**
 * Stores an existing (unencrypted, armored) private key as an import key — for files already encrypted to a key
 * the operator holds (a migration from another vault); the key is sealed like a generated one.
 */
export async function storeImportKey(pool: pg.Pool, envelope: Envelope, privateKey: string): Promise<CreatedImportKey> {
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
  await pool.query('INSERT INTO import_keys (id, fingerprint, public_key, ciphertext, key_version) VALUES ($1, $2, $3, $4, $5)', [
    id,
    fingerprint,
    publicKey,
    Buffer.from(sealed.ciphertext),
    sealed.keyVersion,
  ]);
  return { id, fingerprint, publicKey };
}

/** Every import key not retired, opened (for decrypting a file; kept in memory only while the import runs). */
export async function openImportKeys(pool: pg.Pool, envelope: Envelope): Promise<openpgp.PrivateKey[]> {
  const { rows } = await pool.query<{ id: string; ciphertext: Buffer }>('SELECT id, ciphertext FROM import_keys WHERE retired_at IS NULL ORDER BY created_at DESC');
  const keys: openpgp.PrivateKey[] = [];
  for (const row of rows) {
    const armored = await envelope.decrypt(row.ciphertext, encryptionContext(IMPORT_KEY_RECORDS, { id: row.id }));
    try {
      keys.push(await openpgp.readPrivateKey({ armoredKey: Buffer.from(armored).toString('utf8') }));
    } finally {
      armored.fill(0);
    }
  }
  return keys;
}

/** The newest import key's public half (what a sender needs), or null when none was made. */
export async function currentImportPublicKey(pool: pg.Pool): Promise<CreatedImportKey | null> {
  const { rows } = await pool.query<{ id: string; fingerprint: string; public_key: string }>(
    'SELECT id, fingerprint, public_key FROM import_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1',
  );
  return rows[0] ? { id: rows[0].id, fingerprint: rows[0].fingerprint, publicKey: rows[0].public_key } : null;
}
