/**
 * Verifies what the audit transparency log publishes, with Node.js built-ins only: RFC 9162 inclusion and
 * consistency proofs (§2.1.3.2, §2.1.4.2), and checkpoints in the C2SP signed-note format with the log's Ed25519
 * signature and witnesses' cosignature/v1 lines (c2sp.org/signed-note, /tlog-checkpoint, /tlog-cosignature).
 *
 * This file is the standalone verifier's core: it imports nothing but `node:crypto` and uses only type syntax that
 * strips away (no enums, namespaces or parameter properties), so removing the annotations gives a plain .mjs an
 * auditor can run anywhere — one copy of the rules, shared with the vault. Keep it that way.
 *
 * Sizes and indexes are bigints (a checkpoint's tree size is a uint64); hashes are 32-byte SHA-256 values.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

// ---------------------------------------------------------------------------------------------------- tree hashes

export const HASH_SIZE = 32;

const sha256 = (...parts: readonly Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return h.digest();
};
const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** RFC 9162 §2.1.1: the hash of a leaf, SHA-256(0x00 || leaf). */
export const leafHash = (leaf: Uint8Array): Buffer => sha256(LEAF_PREFIX, leaf);
/** RFC 9162 §2.1.1: the hash of an inner node, SHA-256(0x01 || left || right). */
export const nodeHash = (left: Uint8Array, right: Uint8Array): Buffer => sha256(NODE_PREFIX, left, right);
/** RFC 9162 §2.1.1: the root of the empty tree, SHA-256 of nothing. */
export const EMPTY_TREE_ROOT: Buffer = sha256();

const isHash = (value: Uint8Array): boolean => value instanceof Uint8Array && value.length === HASH_SIZE;
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0;
const odd = (n: bigint): boolean => (n & 1n) === 1n;

/**
 * RFC 9162 §2.1.3.2: does `path` prove that the leaf with hash `leafHash` is number `index` of the tree of
 * `treeSize` leaves whose root is `rootHash`? False for any malformed input (an index outside the tree, a hash
 * that is not 32 bytes, a path too short or too long).
 */
export function verifyInclusion(p: {
  readonly leafHash: Uint8Array;
  readonly index: bigint;
  readonly treeSize: bigint;
  readonly path: readonly Uint8Array[];
  readonly rootHash: Uint8Array;
}): boolean {
  if (p.index < 0n || p.index >= p.treeSize) return false;
  if (!isHash(p.leafHash) || !isHash(p.rootHash) || !p.path.every(isHash)) return false;
  let fn = p.index;
  let sn = p.treeSize - 1n;
  let r: Buffer = Buffer.from(p.leafHash);
  for (const node of p.path) {
    if (sn === 0n) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(node, r);
      // Past the right edge's missing siblings: climb until this node is a right child again, or the root.
      while (!odd(fn) && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(r, node);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && sameBytes(r, p.rootHash);
}

/**
 * RFC 9162 §2.1.4.2: does `path` prove that the tree of `size1` leaves with root `root1` is a prefix of the tree
 * of `size2` leaves with root `root2`? Equal sizes need an empty path and equal roots. A tree of size 0 has no
 * proof to check (it is a prefix of every tree): false here, so a caller decides that case on purpose.
 */
export function verifyConsistency(p: {
  readonly size1: bigint;
  readonly size2: bigint;
  readonly root1: Uint8Array;
  readonly root2: Uint8Array;
  readonly path: readonly Uint8Array[];
}): boolean {
  if (p.size1 <= 0n || p.size1 > p.size2) return false;
  if (!isHash(p.root1) || !isHash(p.root2) || !p.path.every(isHash)) return false;
  if (p.size1 === p.size2) return p.path.length === 0 && sameBytes(p.root1, p.root2);
  if (p.path.length === 0) return false;
  // An old tree that is a perfect subtree is not in the path: its root is the first node.
  const path = (p.size1 & (p.size1 - 1n)) === 0n ? [p.root1, ...p.path] : p.path;
  let fn = p.size1 - 1n;
  let sn = p.size2 - 1n;
  while (odd(fn)) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && sameBytes(fr, p.root1) && sameBytes(sr, p.root2);
}

// ----------------------------------------------------------------------------------------------------- signed notes

/** Why a note, key or checkpoint was refused. */
export type NoteRejection =
  | 'malformed-note'
  | 'malformed-verifier-key'
  | 'ambiguous-verifier-key'
  | 'invalid-signature'
  | 'no-trusted-signature'
  | 'malformed-checkpoint'
  | 'wrong-origin';

export class NoteRejected extends Error {
  readonly reason: NoteRejection;
  constructor(reason: NoteRejection, message: string) {
    super(message);
    this.name = 'NoteRejected';
    this.reason = reason;
  }
}

/** One signature line: `— <name> base64(key id || signature)`. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** The signature proper, after the 4-byte key id. */
  readonly signature: Buffer;
  /** The whole line, without its newline. */
  readonly line: string;
}

export interface SignedNote {
  /** The signed text, ending in a newline (the blank line before the signatures excluded). */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/** As golang.org/x/mod/sumdb/note; the spec asks verifiers to accept at least 16. */
export const MAX_NOTE_SIGNATURES = 100;
const SIGNATURE_PREFIX = '\u2014 ';
// Every ASCII control character but the newline; a lone surrogate is not encodable as UTF-8.
const FORBIDDEN_CHARACTER = /[\u0000-\u0009\u000b-\u001f]|\p{Cs}/u;
const UNICODE_SPACE = /\p{White_Space}/u;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Key names are non-empty, without Unicode spaces or '+'. */
export const isValidKeyName = (name: string): boolean => name !== '' && !UNICODE_SPACE.test(name) && !name.includes('+') && !FORBIDDEN_CHARACTER.test(name);

/** Standard base64 with padding, canonical (re-encoding gives the same text), or null. */
export function decodeBase64(text: string): Buffer | null {
  if (!BASE64.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}

function noteText(input: string | Uint8Array): string {
  if (typeof input === 'string') return input;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
  } catch {
    throw new NoteRejected('malformed-note', 'the note is not UTF-8');
  }
}

/**
 * Splits a signed note into its text and signature lines (c2sp.org/signed-note): valid UTF-8 without control
 * characters but newlines; the text ends with a newline; the last blank line separates it from one or more lines
 * `— <key name> <base64 of at least 5 bytes>`, each ending with a newline. Verifies nothing.
 */
export function parseSignedNote(input: string | Uint8Array): SignedNote {
  const malformed = (why: string) => new NoteRejected('malformed-note', `malformed note: ${why}`);
  const note = noteText(input);
  if (FORBIDDEN_CHARACTER.test(note)) throw malformed('a control character or an unpaired surrogate');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw malformed('the signatures are missing or do not end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed(`more than ${MAX_NOTE_SIGNATURES} signatures`);
  return { text, signatures: lines.map(parseSignatureLine) };
}

/** One signature line, without its newline: `— <key name> <base64 of the key id and at least one byte>`. */
export function parseSignatureLine(line: string): NoteSignature {
  const rest = line.startsWith(SIGNATURE_PREFIX) ? line.slice(SIGNATURE_PREFIX.length) : null;
  const space = rest === null ? -1 : rest.indexOf(' ');
  const name = rest === null ? '' : space < 0 ? rest : rest.slice(0, space);
  const bytes = rest === null || space < 0 ? null : decodeBase64(rest.slice(space + 1));
  if (!isValidKeyName(name) || bytes === null || bytes.length < 5 || FORBIDDEN_CHARACTER.test(line)) {
    throw new NoteRejected('malformed-note', 'malformed note: a signature line is not an em dash, a space, a key name, a space and a base64 signature');
  }
  return { name, keyId: bytes.readUInt32BE(0), signature: bytes.subarray(4), line };
}

// ---------------------------------------------------------------------------------------------------- verifier keys

/** Signature types of c2sp.org/signed-note: 0x01 Ed25519 over the note text, 0x04 Ed25519 cosignature/v1. */
export const SIGNATURE_TYPES = { ed25519: 0x01, 'cosignature/v1': 0x04 } as const;
export type SignatureType = keyof typeof SIGNATURE_TYPES;

export interface VerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly type: SignatureType;
  /** The 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
  readonly key: KeyObject;
}

/** key ID = SHA-256(key name || 0x0A || signature type || public key)[:4], big-endian. */
export const noteKeyId = (name: string, type: SignatureType, publicKey: Uint8Array): number =>
  sha256(Buffer.from(`${name}\n`, 'utf8'), Uint8Array.of(SIGNATURE_TYPES[type]), publicKey).readUInt32BE(0);

export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

/**
 * Parses a verifier key `<name>+<hex key id>+<base64(type || public key)>` (c2sp.org/signed-note, "Verifier keys"):
 * the key id must be the one the name, type and key hash to; types 0x01 and 0x04 with a 32-byte Ed25519 key.
 */
export function parseVerifierKey(vkey: string): VerifierKey {
  const bad = (why: string) => new NoteRejected('malformed-verifier-key', `malformed verifier key: ${why}`);
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) throw bad('not <name>+<key id>+<key>');
  const name = vkey.slice(0, first);
  const hex = vkey.slice(first + 1, second);
  const typed = decodeBase64(vkey.slice(second + 1));
  if (!isValidKeyName(name) || !/^[0-9a-fA-F]{8}$/.test(hex) || typed === null || typed.length === 0) throw bad('bad name, key id or key');
  const keyId = Number.parseInt(hex, 16);
  if (sha256(Buffer.from(`${name}\n`, 'utf8'), typed).readUInt32BE(0) !== keyId) throw bad('the key id does not match the name and key');
  const type = (Object.keys(SIGNATURE_TYPES) as SignatureType[]).find((t) => SIGNATURE_TYPES[t] === typed[0]);
  const publicKey = typed.subarray(1);
  if (type === undefined) throw bad(`unsupported signature type 0x${typed[0]!.toString(16).padStart(2, '0')}`);
  if (publicKey.length !== 32) throw bad('an Ed25519 key is 32 bytes');
  let key: KeyObject;
  try {
    key = ed25519PublicKey(publicKey);
  } catch {
    throw bad('not an Ed25519 public key');
  }
  return { name, keyId, type, publicKey, key };
}

/** c2sp.org/tlog-cosignature: the message an Ed25519 cosignature/v1 signs. */
export const cosignatureMessage = (timestamp: bigint, text: string): Buffer => Buffer.from(`cosignature/v1\ntime ${timestamp}\n${text}`, 'utf8');

const MAX_TIMESTAMP = (1n << 63n) - 1n;

/** Checks one signature with one key; a cosignature's timestamp when it holds, null when it does not. */
function checkSignature(key: VerifierKey, text: string, signature: Buffer): { timestamp: bigint | null } | null {
  if (key.type === 'ed25519') {
    return signature.length === 64 && verify(null, Buffer.from(text, 'utf8'), key.key, signature) ? { timestamp: null } : null;
  }
  if (signature.length !== 8 + 64) return null;
  const timestamp = signature.readBigUInt64BE(0);
  if (timestamp > MAX_TIMESTAMP) return null;
  return verify(null, cosignatureMessage(timestamp, text), key.key, signature.subarray(8)) ? { timestamp } : null;
}

export interface VerifiedSignature {
  readonly key: VerifierKey;
  /** Seconds since the epoch, for a cosignature/v1; null for a plain Ed25519 signature. */
  readonly timestamp: bigint | null;
}

/**
 * Verifies a note's signatures against trusted keys, as the spec and golang.org/x/mod/sumdb/note's Open do: lines
 * from unknown keys (name and key id not both matching) are ignored; a known key's line that fails rejects the
 * whole note; a key's repeated lines count once; with no line from a trusted key verified, the note is rejected.
 */
export function verifyNoteSignatures(note: SignedNote, trusted: readonly VerifierKey[]): VerifiedSignature[] {
  const verified: VerifiedSignature[] = [];
  const seen = new Set<VerifierKey>();
  for (const line of note.signatures) {
    const keys = trusted.filter((k) => k.name === line.name && k.keyId === line.keyId);
    if (keys.length > 1) throw new NoteRejected('ambiguous-verifier-key', `two trusted keys are named ${line.name} with key id ${hex8(line.keyId)}`);
    const key = keys[0];
    if (key === undefined || seen.has(key)) continue;
    seen.add(key);
    const checked = checkSignature(key, note.text, line.signature);
    if (checked === null) throw new NoteRejected('invalid-signature', `the signature of ${line.name}+${hex8(line.keyId)} does not verify`);
    verified.push({ key, timestamp: checked.timestamp });
  }
  if (verified.length === 0) throw new NoteRejected('no-trusted-signature', 'no signature from a trusted key');
  return verified;
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

// ------------------------------------------------------------------------------------------------------ checkpoints

export interface Checkpoint {
  readonly origin: string;
  readonly treeSize: bigint;
  readonly rootHash: Buffer;
  /** Optional lines after the root hash (not recommended by the spec, but signed). */
  readonly extensions: readonly string[];
}

const MAX_TREE_SIZE = (1n << 64n) - 1n;

/**
 * Reads a checkpoint's note text (c2sp.org/tlog-checkpoint): at least three non-empty lines — the origin, the
 * tree size in decimal without leading zeros, the base64 SHA-256 root hash — then optional non-empty extension
 * lines, each ending with a newline. Only read a text whose signature was verified.
 */
export function parseCheckpoint(text: string): Checkpoint {
  const bad = (why: string) => new NoteRejected('malformed-checkpoint', `malformed checkpoint: ${why}`);
  if (!text.endsWith('\n')) throw bad('it does not end with a newline');
  const [origin, size, root, ...extensions] = text.slice(0, -1).split('\n');
  if (origin === undefined || size === undefined || root === undefined) throw bad('fewer than three lines');
  if (origin === '' || extensions.includes('')) throw bad('an empty line');
  if (!/^(0|[1-9][0-9]*)$/.test(size) || BigInt(size) > MAX_TREE_SIZE) throw bad('the tree size is not a uint64 in decimal');
  const rootHash = decodeBase64(root);
  if (rootHash === null || rootHash.length !== HASH_SIZE) throw bad('the root hash is not 32 bytes in base64');
  return { origin, treeSize: BigInt(size), rootHash, extensions };
}

export interface OpenedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly note: SignedNote;
  /** The witnesses whose cosignatures verified, with the time each signed. */
  readonly cosignatures: readonly { readonly name: string; readonly timestamp: bigint | null }[];
}

/**
 * Opens a signed checkpoint: the note is well formed, at least one of `logKeys` signed it, every line from a
 * trusted log or witness key verifies, and its origin is the expected one. Unknown signature lines are ignored
 * (so the log's key can rotate, and other witnesses can cosign).
 */
export function openCheckpoint(
  input: string | Uint8Array,
  trust: { readonly origin: string; readonly logKeys: readonly VerifierKey[]; readonly witnessKeys?: readonly VerifierKey[] },
): OpenedCheckpoint {
  const note = parseSignedNote(input);
  const witnessKeys = trust.witnessKeys ?? [];
  const verified = verifyNoteSignatures(note, [...new Set([...trust.logKeys, ...witnessKeys])]);
  if (!verified.some((v) => trust.logKeys.includes(v.key))) throw new NoteRejected('no-trusted-signature', 'no signature from the log');
  const checkpoint = parseCheckpoint(note.text);
  if (checkpoint.origin !== trust.origin) throw new NoteRejected('wrong-origin', `the checkpoint is from ${JSON.stringify(checkpoint.origin)}, not ${JSON.stringify(trust.origin)}`);
  const cosignatures = verified.filter((v) => witnessKeys.includes(v.key)).map((v) => ({ name: v.key.name, timestamp: v.timestamp }));
  return { checkpoint, note, cosignatures };
}
