import type { VaultConfig, RetiredKeys, EncryptionContext } from '../../vault/src/index.ts';

/**
 * What crosses between the job's thread and a reseal worker. Into a worker: where the keys are (paths or ARNs,
 * never key material) and ciphertexts with their contexts; out: new ciphertexts and digests. No plaintext either way.
 */

/** A worker's `workerData`: it reads the keys itself, as the job would. */
export interface ResealWorkerConfig {
  readonly keys: VaultConfig['keys'];
  readonly retired: RetiredKeys;
}

/** Byte strings packed into one buffer of their own, so it can be transferred (a Buffer from `pg` is a slice of a shared pool). */
export interface PackedBytes {
  readonly bytes: Uint8Array;
  /** Length of each string in order; -1 for none. */
  readonly lengths: readonly number[];
}

export function packBytes(items: readonly (Uint8Array | null)[]): PackedBytes {
  let total = 0;
  for (const item of items) total += item?.length ?? 0;
  const bytes = new Uint8Array(total);
  const lengths: number[] = [];
  let at = 0;
  for (const item of items) {
    if (!item) {
      lengths.push(-1);
      continue;
    }
    bytes.set(item, at);
    at += item.length;
    lengths.push(item.length);
  }
  return { bytes, lengths };
}

/** The strings of a `PackedBytes`, as views of its buffer (no copy). */
export function unpackBytes({ bytes, lengths }: PackedBytes): (Uint8Array | null)[] {
  const items: (Uint8Array | null)[] = [];
  let at = 0;
  for (const length of lengths) {
    if (length < 0) {
      items.push(null);
      continue;
    }
    items.push(bytes.subarray(at, at + length));
    at += length;
  }
  return items;
}

export interface ResealJob {
  readonly kind: 'reseal';
  readonly job: number;
  /** A registered encrypted record type's `name`. */
  readonly type: string;
  readonly ciphertexts: PackedBytes;
  readonly contexts: readonly EncryptionContext[];
  readonly rewrap: readonly boolean[];
  readonly digests: readonly (readonly string[])[];
}

export type WorkerReply =
  | { readonly kind: 'ready'; readonly keyVersion: string; readonly fingerprintVersion: string }
  | {
      readonly kind: 'resealed';
      readonly job: number;
      /** New ciphertexts; -1 where the key was current or the row failed. */
      readonly ciphertexts: PackedBytes;
      /** Per row: its recomputed digests by column, or null when it did not open. */
      readonly digests: readonly (Readonly<Record<string, string>> | null)[];
    }
  /**
   * The job failed as a whole (keyring outage, unknown type): its error's name and fixed message. An error does not
   * cross threads as itself, so `keyringUnavailable` says it was a keyring outage (with its kind, keyring-outage.ts),
   * which stops the run for a rerun instead of failing it; null for any other failure.
   */
  | { readonly kind: 'error'; readonly job: number; readonly name: string; readonly message: string; readonly keyringUnavailable: string | null };
