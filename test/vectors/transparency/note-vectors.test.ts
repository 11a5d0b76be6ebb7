import { describe, expect, it } from 'vitest';
import {
  cosignatureMessage,
  leafHash,
  NoteRejected,
  openCheckpoint,
  parseCheckpoint,
  parseSignedNote,
  parseVerifierKey,
  verifyNoteSignatures,
  type NoteRejection,
  type NoteSignature,
} from '../../../services/vault/src/audit/transparency/log-verifier.ts';
import { ed25519NoteSigner, formatCheckpoint, parseSignerKey, signNote } from '../../../services/vault/src/audit/transparency/note-signing.ts';

/**
 * Known answers for signed notes and checkpoints from sources we did not write:
 *   golang.org/x/mod sumdb/note/note_test.go (commit fe2ec04f): the PeterNeumann and EnochRoot keys, the signed
 *     note Sign must produce byte for byte, and Open's accepted and refused notes;
 *   golang.org/x/mod sumdb/tlog/note_test.go: FormatTree's golden checkpoint text;
 *   c2sp.org/signed-note, /tlog-checkpoint, /tlog-cosignature (C2SP/C2SP commit 5ba5ee83): their examples;
 *   transparency-dev/formats note/note_cosigv1_test.go (commit 0b850f1a): real cosigner verifier keys and a
 *     cosignature's timestamp.
 */
const rejection = (f: () => unknown): NoteRejection | 'accepted' | 'other error' => {
  try {
    f();
    return 'accepted';
  } catch (e) {
    return e instanceof NoteRejected ? e.reason : 'other error';
  }
};
const fails = (f: () => unknown) => {
  try {
    f();
    return false;
  } catch {
    return true;
  }
};

const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
/** Go slices strings by byte: s[:60] + "ABCD" + s[60:], on the UTF-8 bytes. */
const insertAtByte60 = (line: string) => Buffer.concat([Buffer.from(line).subarray(0, 60), Buffer.from('ABCD'), Buffer.from(line).subarray(60)]).toString();

describe('golang.org/x/mod/sumdb/note: keys', () => {
  it('reads the PeterNeumann verifier key: name, key id, Ed25519', () => {
    const key = parseVerifierKey(PETER_VKEY);
    expect([key.name, key.keyId, key.type]).toEqual(['PeterNeumann', 0xc74f20a3, 'ed25519']);
  });

  it('refuses every proper substring of the verifier key and every one-byte change of it (TestNewVerifier)', () => {
    const accepted: string[] = [];
    for (let i = 0; i <= PETER_VKEY.length; i++) {
      for (let j = i + 1; j <= PETER_VKEY.length; j++) if ((i !== 0 || j !== PETER_VKEY.length) && !fails(() => parseVerifierKey(PETER_VKEY.slice(i, j)))) accepted.push(PETER_VKEY.slice(i, j));
    }
    for (let i = 0; i < PETER_VKEY.length; i++) {
      const changed = PETER_VKEY.slice(0, i) + String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1) + PETER_VKEY.slice(i + 1);
      if (!fails(() => parseVerifierKey(changed))) accepted.push(changed);
    }
    expect(accepted).toEqual([]);
  });

  it('refuses a key of the wrong length and an unknown algorithm, each with a matching key id', () => {
    expect(rejection(() => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='))).toBe('malformed-verifier-key');
    expect(rejection(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'))).toBe('malformed-verifier-key');
  });

  it('reads the PeterNeumann signer key, whose public half is the verifier key, and refuses its substrings and one-byte changes (TestNewSigner)', () => {
    const signer = parseSignerKey(PETER_SKEY);
    expect([signer.name, signer.keyId, signer.type]).toEqual(['PeterNeumann', 0xc74f20a3, 'ed25519']);
    const accepted: string[] = [];
    for (let i = 0; i <= PETER_SKEY.length; i++) {
      for (let j = i + 1; j <= PETER_SKEY.length; j++) if ((i !== 0 || j !== PETER_SKEY.length) && !fails(() => parseSignerKey(PETER_SKEY.slice(i, j)))) accepted.push(PETER_SKEY.slice(i, j));
    }
    for (let i = 0; i < PETER_SKEY.length; i++) {
      const changed = PETER_SKEY.slice(0, i) + String.fromCharCode(PETER_SKEY.charCodeAt(i) + 1) + PETER_SKEY.slice(i + 1);
      if (!fails(() => parseSignerKey(changed))) accepted.push(changed);
    }
    expect(accepted).toEqual([]);
  });
});

describe('golang.org/x/mod/sumdb/note: signing (TestSign)', () => {
  const { name, privateKey } = parseSignerKey(PETER_SKEY);
  const signer = ed25519NoteSigner(name, privateKey);
  const want = `${TEXT}\n${PETER_SIG}`;

  it('signs the note byte for byte as Go does', async () => {
    expect(signer.keyId).toBe(0xc74f20a3);
    expect(await signNote(TEXT, [signer])).toBe(want);
  });

  it("replaces the same key's earlier signature", async () => {
    const earlier: NoteSignature = { name: 'PeterNeumann', keyId: 0xc74f20a3, signature: Buffer.from('BADSIGN=', 'base64').subarray(4), line: '— PeterNeumann BADSIGN=' };
    expect(await signNote(TEXT, [signer], [earlier])).toBe(want);
  });

  it('refuses a text without its final newline, and a signer name with a space', async () => {
    await expect(signNote('abc', [signer])).rejects.toThrow(RangeError);
    expect(() => ed25519NoteSigner('bad name', privateKey)).toThrow(RangeError);
  });
});

describe('golang.org/x/mod/sumdb/note: opening (TestOpen)', () => {
  const peter = parseVerifierKey(PETER_VKEY);
  const enoch = parseVerifierKey(ENOCH_VKEY);
  const open = (note: string | Uint8Array, keys: typeof peter[]) => verifyNoteSignatures(parseSignedNote(note), keys).map((v) => v.key.name);

  it('verifies the trusted signature and ignores the unknown one', () => {
    const note = parseSignedNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`);
    expect(note.text).toBe(TEXT);
    expect(note.signatures.map((s) => [s.name, s.keyId])).toEqual([['PeterNeumann', 0xc74f20a3], ['EnochRoot', 0xaf0cfe78]]);
    expect(open(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [peter])).toEqual(['PeterNeumann']);
    expect(open(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [peter, enoch])).toEqual(['PeterNeumann', 'EnochRoot']);
  });

  it('refuses a note no trusted key signed', () => {
    expect(rejection(() => open(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, []))).toBe('no-trusted-signature');
  });

  it('refuses a trusted key listed twice, but only when it signed', () => {
    expect(rejection(() => open(`${TEXT}\n${ENOCH_SIG}`, [enoch, peter, enoch]))).toBe('ambiguous-verifier-key');
    expect(open(`${TEXT}\n${PETER_SIG}`, [enoch, peter, enoch])).toEqual(['PeterNeumann']);
  });

  it('refuses more than 100 signatures, trusted or not', () => {
    expect(rejection(() => open(`${TEXT}\n${PETER_SIG.repeat(101)}`, [peter]))).toBe('malformed-note');
    expect(rejection(() => open(`${TEXT}\n${PETER_SIG.repeat(101)}`, []))).toBe('malformed-note');
  });

  it("refuses a trusted key's signature that does not verify", () => {
    expect(rejection(() => open(`${TEXT}\n${insertAtByte60(PETER_SIG)}`, [peter]))).toBe('invalid-signature');
  });

  it('counts repeated signatures once, and ignores unknown ones even when corrupt', () => {
    expect(open(`${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${insertAtByte60(ENOCH_SIG)}`, [peter])).toEqual(['PeterNeumann']);
  });

  it('refuses the malformed notes', () => {
    const bad: (string | Buffer)[] = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\x01${TEXT}\n${PETER_SIG}`,
      Buffer.concat([Buffer.from([0xff]), Buffer.from(`${TEXT}\n${PETER_SIG}`)]),
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
    ];
    expect(bad.map((note) => rejection(() => open(note, [peter])))).toEqual(bad.map(() => 'malformed-note'));
  });
});

describe('c2sp.org examples', () => {
  it('signed-note: the example verifier key verifies the example note', () => {
    const key = parseVerifierKey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k');
    const note = 'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
    expect(verifyNoteSignatures(parseSignedNote(note), [key]).map((v) => v.key.name)).toEqual(['example.com/foo']);
  });

  const checkpointText = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

  it('tlog-checkpoint: reads the example checkpoint and writes it back the same', () => {
    const checkpoint = parseCheckpoint(checkpointText);
    expect(checkpoint).toMatchObject({ origin: 'example.com/behind-the-sofa', treeSize: 20852163n, extensions: [] });
    expect(checkpoint.rootHash.length).toBe(32);
    expect(formatCheckpoint(checkpoint)).toBe(checkpointText);
  });

  it('tlog-cosignature: the signed message for time 1679315147 is the example, and the example line carries that time', () => {
    expect(cosignatureMessage(1679315147n, checkpointText).toString()).toBe(`cosignature/v1\ntime 1679315147\n${checkpointText}`);
    const note = parseSignedNote(
      `${checkpointText}\n— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n` +
        '— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n',
    );
    const cosignature = note.signatures[1]!;
    expect([cosignature.name, cosignature.signature.length, cosignature.signature.readBigUInt64BE(0)]).toEqual(['witness.example.com/w1', 72, 1679315147n]);
  });
});

describe('golang.org/x/mod/sumdb/tlog: FormatTree and ParseTree', () => {
  const golden = 'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n';

  it('formats the golden tree note from a record hash (the RFC 9162 leaf hash of "hello world")', () => {
    expect(formatCheckpoint({ origin: 'go.sum database tree', treeSize: 123456789012n, rootHash: leafHash(Buffer.from('hello world')) })).toBe(golden);
    expect(parseCheckpoint(golden).treeSize).toBe(123456789012n);
  });

  it('refuses a size that is not decimal and a hash that is not 32 bytes', () => {
    expect(rejection(() => parseCheckpoint('go.sum database tree\n0xabcdef\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n'))).toBe('malformed-checkpoint');
    expect(rejection(() => parseCheckpoint('go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n'))).toBe('malformed-checkpoint');
  });
});

describe('transparency-dev/formats: cosigner keys and cosignatures', () => {
  it('reads a real witness key of type 0x04 (cosignature/v1) and a standard 0x01 key', () => {
    const witness = parseVerifierKey('remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2');
    expect([witness.name, witness.keyId, witness.type]).toEqual(['remora.n621.de', 0xda77ade7, 'cosignature/v1']);
    expect(parseVerifierKey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6').type).toBe('ed25519');
  });

  it('refuses the malformed verifier keys', () => {
    // sigStoreKeyMaterial of note/note_verifier_test.go: an ECDSA key, type 0x02.
    const sigstore = 'AjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNhtmPtrWm3U1eQXBogSMdGvXwBcK5AW5i0hrZLOC96l+smGNM7nwZ4QvFK/4sueRoVj//QP22Ni4Qt9DPfkWLc=';
    for (const vkey of ['bananas.sigstore.dev+12344556', 'rekor.sigstore.dev+12345678+THIS_IS_NOT_BASE64!', 'rekor.sigstore.dev+12345678+AwEB', `rekor.sigstore.dev+NOT_A_NUMBER+${sigstore}`, `rekor.sigstore.dev+00000000+${sigstore}`]) {
      expect(rejection(() => parseVerifierKey(vkey)), vkey).toBe('malformed-verifier-key');
    }
  });

  it("reads a cosignature's timestamp after its key id (TestCoSigV1Timestamp)", () => {
    const [line] = parseSignedNote('x\n\n— w ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==\n').signatures;
    expect(line!.signature.readBigUInt64BE(0)).toBe(1727964367n);
  });

  it('opens a checkpoint signed by the PeterNeumann key as its log', async () => {
    const { name, privateKey } = parseSignerKey(PETER_SKEY);
    const note = await signNote('PeterNeumann\n5\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n', [ed25519NoteSigner(name, privateKey)]);
    const opened = openCheckpoint(note, { origin: 'PeterNeumann', logKeys: [parseVerifierKey(PETER_VKEY)] });
    expect(opened.checkpoint.treeSize).toBe(5n);
  });
});
