import { describe, expect, it } from 'vitest';
import { packBytes, unpackBytes } from '../../services/key-rotation/src/reseal-messages.ts';
import { resealRows } from '../../services/key-rotation/src/reseal-rows.ts';
import type { ResealRequest } from '../../services/key-rotation/src/resealer.ts';
import { CARD_RECORDS } from '../../services/vault/src/cards/card-secret.ts';
import { DecryptionFailed, KeyringUnavailable, type EncryptionContext, type Envelope } from '../../services/vault/src/crypto/envelope.ts';
import type { Fingerprinter } from '../../services/vault/src/crypto/fingerprint.ts';

/**
 * resealRows, the one place rotation holds a plaintext (in a reseal worker or on the job's thread), on a fake
 * envelope whose calls finish out of order: results stay in request order, every plaintext is zeroed, a row that
 * does not open is `failed`, and an outage stops the batch.
 */
const pan = '4242424242424242';
const plaintextOf = (id: string) => Buffer.from(JSON.stringify({ v: 1, number: pan, id }));
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fakeEnvelope(behaviour: (record: string) => 'open' | 'tampered' | 'outage') {
  const handedOut: Uint8Array[] = [];
  const started: string[] = [];
  const envelope: Envelope = {
    currentKeyVersion: 'v2',
    keyVersions: ['v1', 'v2'],
    async decrypt(ciphertext: Uint8Array, expected: EncryptionContext) {
      const record = expected['record']!;
      started.push(record);
      await tick(Number(record.slice(-1)) % 3); // later rows may finish first
      const what = behaviour(record);
      if (what === 'tampered') throw new DecryptionFailed('message');
      if (what === 'outage') throw new KeyringUnavailable();
      expect(Buffer.from(ciphertext).toString()).toBe(`sealed-v1:${record}`);
      const plaintext = plaintextOf(record);
      handedOut.push(plaintext);
      return plaintext;
    },
    async encrypt(plaintext: Uint8Array, context: EncryptionContext) {
      expect(JSON.parse(Buffer.from(plaintext).toString()).id).toBe(context['record']);
      return { ciphertext: Buffer.from(`sealed-v2:${context['record']}`), keyVersion: 'v2' };
    },
  };
  return { envelope, handedOut, started };
}

const fingerprinter = { keyVersion: 'v2', fingerprint: (tenant: string, p: { reveal(): string }) => `fp_${tenant}_${p.reveal().slice(-4)}` } as unknown as Fingerprinter;

const requests = (n: number): ResealRequest[] =>
  Array.from({ length: n }, (_, i) => ({
    ciphertext: Buffer.from(`sealed-v1:card_${i}`),
    context: { purpose: 'card', tenant: 't1', owner: 'u1', record: `card_${i}` },
    rewrap: i % 5 !== 0, // every fifth row only needs its fingerprint
    digests: ['cardFingerprints'],
  }));

describe('resealRows', () => {
  it('answers in request order, re-seals only what is stale, and zeroes every plaintext', async () => {
    const { envelope, handedOut } = fakeEnvelope(() => 'open');
    const results = await resealRows({ envelope, fingerprinter }, CARD_RECORDS, requests(23));
    expect(results).toHaveLength(23);
    results.forEach((result, i) => {
      expect(result).toEqual({ kind: 'resealed', ciphertext: i % 5 === 0 ? null : Buffer.from(`sealed-v2:card_${i}`), digests: { fingerprint: 'fp_t1_4242' } });
    });
    expect(handedOut).toHaveLength(23);
    for (const plaintext of handedOut) expect(plaintext.every((b) => b === 0)).toBe(true);
  });

  it('a row that does not open is failed, alone', async () => {
    const { envelope } = fakeEnvelope((record) => (record === 'card_4' ? 'tampered' : 'open'));
    const results = await resealRows({ envelope, fingerprinter }, CARD_RECORDS, requests(9));
    expect(results.map((r) => r.kind)).toEqual(['resealed', 'resealed', 'resealed', 'resealed', 'failed', 'resealed', 'resealed', 'resealed', 'resealed']);
  });

  it('a keyring outage fails the whole call, and no row is started after it', async () => {
    const { envelope, started, handedOut } = fakeEnvelope((record) => (record === 'card_6' ? 'outage' : 'open'));
    await expect(resealRows({ envelope, fingerprinter }, CARD_RECORDS, requests(40))).rejects.toBeInstanceOf(KeyringUnavailable);
    expect(started.length).toBeLessThan(12); // the rows already in flight finish; none of the other 28 begins
    for (const plaintext of handedOut) expect(plaintext.every((b) => b === 0)).toBe(true);
  });

  it('a digest the type does not declare is refused (precondition)', async () => {
    const { envelope } = fakeEnvelope(() => 'open');
    await expect(resealRows({ envelope, fingerprinter }, CARD_RECORDS, [{ ...requests(1)[0]!, digests: ['noSuchDigest'] }])).rejects.toThrow(/cards: no keyed digest named noSuchDigest/);
  });
});

describe('packed ciphertexts (what crosses to and from a reseal worker)', () => {
  it('round-trip, with absent entries, into one buffer of their own', () => {
    const pooled = Buffer.from('abc'); // a slice of Node's shared pool: posting it would copy the whole pool
    const packed = packBytes([pooled, null, Buffer.alloc(0), Buffer.from('de')]);
    expect(packed.bytes.buffer.byteLength).toBe(5);
    expect(packed.lengths).toEqual([3, -1, 0, 2]);
    expect(unpackBytes(packed).map((b) => (b ? Buffer.from(b).toString() : null))).toEqual(['abc', null, '', 'de']);
  });
});
