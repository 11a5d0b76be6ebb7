import type { EncryptionContext, EncryptedRecordType } from '../../vault/src/index.ts';

/** One stored row to bring under the current keys: its ciphertext, the context it is bound to, and what is stale. */
export interface ResealRequest {
  readonly ciphertext: Uint8Array;
  readonly context: EncryptionContext;
  /** The ciphertext is under an older wrapping key: seal the plaintext again under the current one. */
  readonly rewrap: boolean;
  /** Names of the type's keyed digests (`cardFingerprints`) under an older fingerprint key: compute them again. */
  readonly digests: readonly string[];
}

/**
 * What became of one row: its new ciphertext (null when only digests were stale) and each recomputed digest by
 * its column; or `failed` when the ciphertext does not open with the row's context (left for a person).
 */
export type ResealResult =
  | { readonly kind: 'resealed'; readonly ciphertext: Uint8Array | null; readonly digests: Readonly<Record<string, string>> }
  | { readonly kind: 'failed' };

/**
 * Opens rows and seals them again under the current keys; the plaintext never leaves it. Implemented on this
 * thread (`InThreadResealer`) or on worker threads (`WorkerPoolResealer`), which each build their own envelope.
 * A result per request, in order. Throws (the batch rolls back) for anything but a row that does not open:
 * a keyring outage (`KeyringUnavailable`, also when a worker met it: the job stops for a rerun), a worker that died.
 */
export interface Resealer {
  /** The wrapping key version new ciphertexts are sealed with. */
  readonly keyVersion: string;
  /** The fingerprint key version digests are computed with. */
  readonly fingerprintVersion: string;
  reseal(type: EncryptedRecordType, requests: readonly ResealRequest[]): Promise<ResealResult[]>;
}
