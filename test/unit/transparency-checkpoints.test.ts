import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NoteRejected,
  openCheckpoint,
  parseCheckpoint,
  parseSignedNote,
  parseVerifierKey,
  type NoteRejection,
} from '../../services/vault/src/audit/transparency/log-verifier.ts';
import {
  cosignatureSigner,
  ed25519NoteSigner,
  formatCheckpoint,
  generateNoteKey,
  parseSignerKey,
  signNote,
  verifierKeyText,
  withSignatureLines,
} from '../../services/vault/src/audit/transparency/note-signing.ts';

const rejection = (f: () => unknown): NoteRejection | 'accepted' => {
  try {
    f();
    return 'accepted';
  } catch (e) {
    if (e instanceof NoteRejected) return e.reason;
    throw e;
  }
};

const ORIGIN = 'vault.example/audit-log';
const newKey = () => generateKeyPairSync('ed25519');
const log = newKey();
const logSigner = ed25519NoteSigner(ORIGIN, log.privateKey);
const logKey = parseVerifierKey(verifierKeyText(ORIGIN, 'ed25519', log.publicKey));
const witness = newKey();
const witnessKey = parseVerifierKey(verifierKeyText('witness.example/w1', 'cosignature/v1', witness.publicKey));
const cosigner = (time: bigint) => cosignatureSigner('witness.example/w1', witness.privateKey, () => time);
const body = (treeSize = 42n) => formatCheckpoint({ origin: ORIGIN, treeSize, rootHash: randomBytes(32) });

/** The log signs, then a witness's cosignature line is added to the stored note, as the vault will serve it. */
async function cosigned(text: string, time = 1_767_225_600n) {
  const signed = await signNote(text, [logSigner]);
  const witnessNote = await signNote(text, [cosigner(time)]);
  return withSignatureLines(signed, parseSignedNote(witnessNote).signatures.map((s) => s.line));
}

describe('checkpoints: format and read', () => {
  it('round-trip any origin, tree size, root hash and extension lines', () => {
    const line = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/[\u0000-\u001f]/.test(s) && !/\p{Cs}/u.test(s));
    fc.assert(
      fc.property(line, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.array(line, { maxLength: 3 }), (origin, treeSize, root, extensions) => {
        const text = formatCheckpoint({ origin, treeSize, rootHash: root, extensions });
        expect(parseCheckpoint(text)).toEqual({ origin, treeSize, rootHash: Buffer.from(root), extensions });
      }),
    );
  });

  it('refuse what the spec forbids', () => {
    const hash = randomBytes(32).toString('base64');
    const bad = [
      `${ORIGIN}\n42\n${hash}`, // no final newline
      `${ORIGIN}\n42\n`, // two lines
      `\n42\n${hash}\n`, // empty origin
      `${ORIGIN}\n042\n${hash}\n`, // leading zero
      `${ORIGIN}\n-1\n${hash}\n`,
      `${ORIGIN}\n${1n << 64n}\n${hash}\n`, // beyond uint64
      `${ORIGIN}\n42\n${randomBytes(31).toString('base64')}\n`, // not a SHA-256 hash
      `${ORIGIN}\n42\n${hash.replace('=', '')}\n`, // unpadded base64
      `${ORIGIN}\n42\n${hash}\n\nextension\n`, // an empty extension line
    ];
    expect(bad.map((text) => rejection(() => parseCheckpoint(text)))).toEqual(bad.map(() => 'malformed-checkpoint'));
    expect(parseCheckpoint(`${ORIGIN}\n${(1n << 64n) - 1n}\n${hash}\n`).treeSize).toBe((1n << 64n) - 1n);
    expect(parseCheckpoint(`${ORIGIN}\n0\n${hash}\n`).treeSize).toBe(0n);
  });
});

describe('checkpoints: signed by the log, cosigned by witnesses', () => {
  it('open with the log key, and list the cosignatures that verify with their time', async () => {
    const note = await cosigned(body());
    const opened = openCheckpoint(note, { origin: ORIGIN, logKeys: [logKey], witnessKeys: [witnessKey] });
    expect(opened.checkpoint.treeSize).toBe(42n);
    expect(opened.cosignatures).toEqual([{ name: 'witness.example/w1', timestamp: 1_767_225_600n }]);
    expect(openCheckpoint(note, { origin: ORIGIN, logKeys: [logKey] }).cosignatures).toEqual([]);
  });

  it('fail on any changed byte of the signed text', async () => {
    const text = body();
    const note = await signNote(text, [logSigner]);
    for (let i = 0; i < text.length; i++) {
      const changed = note.slice(0, i) + String.fromCharCode(note.charCodeAt(i) ^ 1) + note.slice(i + 1);
      expect(rejection(() => openCheckpoint(changed, { origin: ORIGIN, logKeys: [logKey] })), `byte ${i}`).not.toBe('accepted');
    }
  });

  it('are refused without the log signature, even when a trusted witness cosigned', async () => {
    const text = body();
    const onlyWitness = await signNote(text, [cosigner(1n)]);
    expect(rejection(() => openCheckpoint(onlyWitness, { origin: ORIGIN, logKeys: [logKey], witnessKeys: [witnessKey] }))).toBe('no-trusted-signature');
  });

  it('are refused from another origin, or with a bad cosignature from a trusted witness', async () => {
    const other = ed25519NoteSigner('other.example/log', log.privateKey);
    const foreign = await signNote(formatCheckpoint({ origin: 'other.example/log', treeSize: 1n, rootHash: randomBytes(32) }), [other, logSigner]);
    expect(rejection(() => openCheckpoint(foreign, { origin: ORIGIN, logKeys: [logKey] }))).toBe('wrong-origin');
    const note = await cosigned(body());
    const corrupt = note.replace(/(— witness\.example\/w1 \S{20})(\S)/u, (_, head: string, c: string) => head + (c === 'A' ? 'B' : 'A'));
    expect(rejection(() => openCheckpoint(corrupt, { origin: ORIGIN, logKeys: [logKey], witnessKeys: [witnessKey] }))).toBe('invalid-signature');
  });

  it('keep verifying with the old key after the log key rotates; the other key is ignored, not refused', async () => {
    const next = newKey();
    const nextKey = parseVerifierKey(verifierKeyText(ORIGIN, 'ed25519', next.publicKey));
    const text = body();
    const old = await signNote(text, [logSigner]);
    const both = await signNote(text, [ed25519NoteSigner(ORIGIN, next.privateKey)], parseSignedNote(old).signatures);
    expect(rejection(() => openCheckpoint(both, { origin: ORIGIN, logKeys: [logKey] }))).toBe('accepted');
    expect(rejection(() => openCheckpoint(both, { origin: ORIGIN, logKeys: [nextKey] }))).toBe('accepted');
    expect(rejection(() => openCheckpoint(old, { origin: ORIGIN, logKeys: [nextKey] }))).toBe('no-trusted-signature');
  });
});

describe('cosignature/v1', () => {
  it('signs the extension lines too', async () => {
    const text = formatCheckpoint({ origin: ORIGIN, treeSize: 7n, rootHash: randomBytes(32), extensions: ['an extension'] });
    const note = await cosigned(text);
    const changed = note.replace('an extension', 'an extensioN');
    expect(rejection(() => openCheckpoint(note, { origin: ORIGIN, logKeys: [logKey], witnessKeys: [witnessKey] }))).toBe('accepted');
    expect(rejection(() => openCheckpoint(changed, { origin: ORIGIN, logKeys: [logKey], witnessKeys: [witnessKey] }))).not.toBe('accepted');
  });

  it('has its own key id: the same Ed25519 key as a plain note key does not verify a cosignature, nor the other way round', async () => {
    const plainKey = parseVerifierKey(verifierKeyText('witness.example/w1', 'ed25519', witness.publicKey));
    expect(plainKey.keyId).not.toBe(witnessKey.keyId);
    const text = body();
    const cosignedOnly = await signNote(text, [logSigner, cosigner(5n)]);
    expect(openCheckpoint(cosignedOnly, { origin: ORIGIN, logKeys: [logKey], witnessKeys: [plainKey] }).cosignatures).toEqual([]);
    const plainOnly = await signNote(text, [logSigner, ed25519NoteSigner('witness.example/w1', witness.privateKey)]);
    expect(openCheckpoint(plainOnly, { origin: ORIGIN, logKeys: [logKey], witnessKeys: [witnessKey] }).cosignatures).toEqual([]);
  });

  it('refuses a timestamp beyond 2^63 − 1', async () => {
    const note = await signNote(body(), [logSigner, cosigner(1n << 63n)]);
    expect(rejection(() => openCheckpoint(note, { origin: ORIGIN, logKeys: [logKey], witnessKeys: [witnessKey] }))).toBe('invalid-signature');
  });

  it("replaces a witness's earlier cosignature when it cosigns again", async () => {
    const text = body();
    const first = await cosigned(text, 100n);
    const again = withSignatureLines(first, parseSignedNote(await signNote(text, [cosigner(200n)])).signatures.map((s) => s.line));
    expect(parseSignedNote(again).signatures.length).toBe(2);
    expect(openCheckpoint(again, { origin: ORIGIN, logKeys: [logKey], witnessKeys: [witnessKey] }).cosignatures).toEqual([{ name: 'witness.example/w1', timestamp: 200n }]);
  });
});

describe('signed notes', () => {
  it('accept 16 signatures (the spec requires at least that many)', async () => {
    const signers = Array.from({ length: 15 }, (_, i) => ed25519NoteSigner(`w${i}.example`, newKey().privateKey));
    const note = await signNote(body(), [logSigner, ...signers]);
    expect(parseSignedNote(note).signatures.length).toBe(16);
    expect(rejection(() => openCheckpoint(note, { origin: ORIGIN, logKeys: [logKey] }))).toBe('accepted');
  });

  it('are not made from a text that would read back differently', async () => {
    await expect(signNote('line\u0007\n', [logSigner])).rejects.toThrow(NoteRejected);
    await expect(signNote('no final newline', [logSigner])).rejects.toThrow(RangeError);
  });
});

describe('note keys', () => {
  it('generated in the Go text form read back, sign, and verify, for a log and for a cosigner', async () => {
    for (const type of ['ed25519', 'cosignature/v1'] as const) {
      const { signerKey, verifierKey } = generateNoteKey('keys.example/k1', type);
      const signer = parseSignerKey(signerKey);
      const verifier = parseVerifierKey(verifierKey);
      expect([signer.type, verifier.type, signer.keyId]).toEqual([type, type, verifier.keyId]);
      const make = type === 'ed25519' ? ed25519NoteSigner(signer.name, signer.privateKey) : cosignatureSigner(signer.name, signer.privateKey);
      const note = await signNote(formatCheckpoint({ origin: 'keys.example/k1', treeSize: 3n, rootHash: randomBytes(32) }), [make]);
      expect(rejection(() => openCheckpoint(note, { origin: 'keys.example/k1', logKeys: [verifier] }))).toBe('accepted');
    }
  });
});
