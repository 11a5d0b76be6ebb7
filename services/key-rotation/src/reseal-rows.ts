import { DecryptionFailed, type Envelope, type Fingerprinter, type EncryptedRecordType } from '../../vault/src/index.ts';
import type { ResealRequest, ResealResult } from './resealer.ts';

export interface ResealCrypto {
  readonly envelope: Envelope;
  readonly fingerprinter: Fingerprinter;
}

const FAILED: ResealResult = Object.freeze({ kind: 'failed' });

/**
 * Rows in progress at once on one thread. Each ESDK encrypt awaits a fresh data key from the libuv thread pool
 * (the raw AES keyring's async randomBytes); one row alone leaves the thread idle for that hop, which is long when
 * every core is busy (reseal workers ran ~12 % idle). A few rows at once fill the gap; the CPU work is the same.
 */
const ROWS_IN_FLIGHT = 4;

/**
 * The one place rotation sees a plaintext: opens each row's ciphertext with the context it is bound to, seals it
 * again under the current key when its key is stale, recomputes each stale keyed digest, and zeroes the plaintext.
 * Runs on whichever thread holds `crypto` (the job's own, or a reseal worker's). Results in request order.
 */
export async function resealRows(crypto: ResealCrypto, type: EncryptedRecordType, requests: readonly ResealRequest[]): Promise<ResealResult[]> {
  const results = new Array<ResealResult>(requests.length);
  let next = 0;
  const failures: unknown[] = [];
  const lane = async () => {
    // After a failure (a keyring outage) no lane starts another row; the first error is thrown once all have stopped.
    for (let i = next++; i < requests.length && failures.length === 0; i = next++) {
      try {
        results[i] = await resealRow(crypto, type, requests[i]!);
      } catch (err) {
        failures.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(ROWS_IN_FLIGHT, requests.length) }, lane));
  if (failures.length > 0) throw failures[0];
  return results;
}

async function resealRow({ envelope, fingerprinter }: ResealCrypto, type: EncryptedRecordType, request: ResealRequest): Promise<ResealResult> {
  let plaintext: Uint8Array;
  try {
    plaintext = await envelope.decrypt(request.ciphertext, request.context);
  } catch (err) {
    // Only a ciphertext that does not open is the row's fault (left for a person); a keyring outage
    // (KeyringUnavailable) stops the whole job for a rerun instead, so no row is marked failed for it.
    if (err instanceof DecryptionFailed) return FAILED;
    throw err;
  }
  try {
    const ciphertext = request.rewrap ? (await envelope.encrypt(plaintext, request.context)).ciphertext : null;
    const digests: Record<string, string> = {};
    for (const name of request.digests) {
      const digest = type.digests?.find((d) => d.name === name);
      /* Precondition: only a digest the type declares is recomputed (the request names it, the type computes it). */
      if (!digest) throw new Error(`${type.name}: no keyed digest named ${name}`);
      digests[digest.column] = digest.compute(fingerprinter, request.context, plaintext);
    }
    return { kind: 'resealed', ciphertext, digests };
  } finally {
    plaintext.fill(0);
  }
}
