import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  HASH_SIZE,
  SIGNATURE_TYPES,
  cosignatureMessage,
  decodeBase64,
  isValidKeyName,
  noteKeyId,
  parseSignatureLine,
  parseSignedNote,
  type NoteSignature,
  type SignatureType,
} from './log-verifier.ts';

/**
 * Writing signed notes (c2sp.org/signed-note): the log's signature on a checkpoint and a witness's cosignature
 * (c2sp.org/tlog-cosignature, Ed25519 cosignature/v1). Signing is asynchronous so that a KMS can do it.
 */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  /** The signature of a note's text, without the key id. */
  sign(text: string): Promise<Buffer>;
}

/** The raw 32-byte Ed25519 public key of a public or private KeyObject. */
export function rawEd25519PublicKey(key: KeyObject): Buffer {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = publicKey.export({ format: 'jwk' });
  if (publicKey.asymmetricKeyType !== 'ed25519' || typeof jwk.x !== 'string') throw new TypeError('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

const requireName = (name: string): void => {
  /* Precondition: the name can stand in a signature line and a verifier key. */
  if (!isValidKeyName(name)) throw new RangeError(`${JSON.stringify(name)} is not a key name: it must be non-empty, without spaces or '+'`);
};

/**
 * A checkpoint's note text (c2sp.org/tlog-checkpoint): origin, tree size, base64 root hash, then any extension
 * lines (the spec advises against them: witnesses vouch for the first three lines only), each ending in a newline.
 */
export function formatCheckpoint(c: { readonly origin: string; readonly treeSize: bigint; readonly rootHash: Uint8Array; readonly extensions?: readonly string[] }): string {
  const extensions = c.extensions ?? [];
  /* Precondition: what parseCheckpoint reads back — non-empty single lines, a uint64 size, a 32-byte hash. */
  if (c.origin === '' || c.origin.includes('\n') || extensions.some((e) => e === '' || e.includes('\n'))) throw new RangeError('checkpoint lines are non-empty single lines');
  if (c.treeSize < 0n || c.treeSize >= 1n << 64n || c.rootHash.length !== HASH_SIZE) throw new RangeError('a checkpoint has a uint64 tree size and a 32-byte root hash');
  return [c.origin, c.treeSize.toString(), Buffer.from(c.rootHash).toString('base64'), ...extensions].map((line) => `${line}\n`).join('');
}

/** The log's signer: Ed25519 over the note text, signature type 0x01. */
export function ed25519NoteSigner(name: string, privateKey: KeyObject): NoteSigner {
  requireName(name);
  const keyId = noteKeyId(name, 'ed25519', rawEd25519PublicKey(privateKey));
  return { name, keyId, sign: async (text) => sign(null, Buffer.from(text, 'utf8'), privateKey) };
}

/**
 * A witness's cosigner, signature type 0x04: the 8-byte big-endian time (seconds since the epoch) followed by
 * the Ed25519 signature of `cosignature/v1\ntime <t>\n` + the note text. Its key must not sign anything else.
 */
export function cosignatureSigner(name: string, privateKey: KeyObject, now: () => bigint = () => BigInt(Math.floor(Date.now() / 1000))): NoteSigner {
  requireName(name);
  const keyId = noteKeyId(name, 'cosignature/v1', rawEd25519PublicKey(privateKey));
  return {
    name,
    keyId,
    sign: async (text) => {
      const timestamp = now();
      const time = Buffer.alloc(8);
      time.writeBigUInt64BE(timestamp);
      return Buffer.concat([time, sign(null, cosignatureMessage(timestamp, text), privateKey)]);
    },
  };
}

/** The verifier key text `<name>+<hex key id>+<base64(type || public key)>` that verifiers are configured with. */
export function verifierKeyText(name: string, type: SignatureType, publicKey: KeyObject): string {
  requireName(name);
  const raw = rawEd25519PublicKey(publicKey);
  const typed = Buffer.concat([Uint8Array.of(SIGNATURE_TYPES[type]), raw]);
  return `${name}+${noteKeyId(name, type, raw).toString(16).padStart(8, '0')}+${typed.toString('base64')}`;
}

const signatureLine = (name: string, keyId: number, signature: Uint8Array): string => {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(keyId);
  return `\u2014 ${name} ${Buffer.concat([id, signature]).toString('base64')}`;
};

/**
 * A signed note: the text, a blank line, then the existing signature lines (kept as they are, except those of a
 * key that signs again here) followed by the new signers' lines — as golang.org/x/mod/sumdb/note's Sign.
 */
export async function signNote(text: string, signers: readonly NoteSigner[], existing: readonly NoteSignature[] = []): Promise<string> {
  /* Precondition: a note's text ends with a newline, and nothing in it would be mistaken for the signature block. */
  if (!text.endsWith('\n')) throw new RangeError('a note text ends with a newline');
  const fresh = await Promise.all(signers.map(async (s) => signatureLine(s.name, s.keyId, await s.sign(text))));
  const replaced = new Set(signers.map((s) => `${s.name}+${s.keyId}`));
  const kept = existing.filter((s) => !replaced.has(`${s.name}+${s.keyId}`)).map((s) => s.line);
  const note = `${text}\n${[...kept, ...fresh].join('\n')}\n`;
  parseSignedNote(note); // throws if the text made it malformed (a control character, a stray blank line …)
  return note;
}

/**
 * Adds signature lines (say, the cosignatures witnesses returned) to a signed note; a line from a key that
 * already signed replaces that key's line. The caller verifies them first.
 */
export function withSignatureLines(signedNote: string, lines: readonly string[]): string {
  const note = parseSignedNote(signedNote);
  const added = lines.map(parseSignatureLine);
  const replaced = new Set(added.map((s) => `${s.name}+${s.keyId}`));
  const kept = note.signatures.filter((s) => !replaced.has(`${s.name}+${s.keyId}`));
  return `${note.text}\n${[...kept, ...added].map((s) => `${s.line}\n`).join('')}`;
}

// ----------------------------------------------------------------------------------------------- signer key text

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** An Ed25519 private key from its 32-byte seed (RFC 8032's private key). */
export const ed25519PrivateKeyFromSeed = (seed: Uint8Array): KeyObject =>
  createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });

/**
 * Reads a signer key in golang.org/x/mod/sumdb/note's text form, `PRIVATE+KEY+<name>+<hex key id>+<base64(type ||
 * 32-byte Ed25519 seed)>` (what its GenerateKey writes, so keys from Go tooling work), type 0x01 for a log or
 * 0x04 for a cosigner; the key id must match the name, type and public key.
 */
export function parseSignerKey(skey: string): { readonly name: string; readonly keyId: number; readonly type: SignatureType; readonly privateKey: KeyObject } {
  const bad = () => new RangeError('not a signer key PRIVATE+KEY+<name>+<hex key id>+<base64 type and Ed25519 seed>');
  const match = /^PRIVATE\+KEY\+([^+]+)\+([0-9a-fA-F]{8})\+(.+)$/s.exec(skey);
  const typed = match ? decodeBase64(match[3]!) : null;
  const type = (Object.keys(SIGNATURE_TYPES) as SignatureType[]).find((t) => SIGNATURE_TYPES[t] === typed?.[0]);
  if (!match || typed === null || type === undefined || !isValidKeyName(match[1]!) || typed.length !== 33) throw bad();
  const name = match[1]!;
  const keyId = Number.parseInt(match[2]!, 16);
  const privateKey = ed25519PrivateKeyFromSeed(typed.subarray(1));
  if (noteKeyId(name, type, rawEd25519PublicKey(privateKey)) !== keyId) throw bad();
  return { name, keyId, type, privateKey };
}

/** A new Ed25519 key pair as note key texts: the signer key (secret) and its verifier key. */
export function generateNoteKey(name: string, type: SignatureType = 'ed25519'): { readonly signerKey: string; readonly verifierKey: string } {
  requireName(name);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  const keyId = noteKeyId(name, type, rawEd25519PublicKey(publicKey));
  const signerKey = `PRIVATE+KEY+${name}+${keyId.toString(16).padStart(8, '0')}+${Buffer.concat([Uint8Array.of(SIGNATURE_TYPES[type]), seed]).toString('base64')}`;
  return { signerKey, verifierKey: verifierKeyText(name, type, publicKey) };
}
