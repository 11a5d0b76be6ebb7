/**
 * The envelope-encryption port used by domain code. Domain code never imports `@aws-crypto/*`; it sees only
 * this interface. The context binds a ciphertext to its place (tenant, owner, record id, purpose): decrypt
 * checks it and fails with one error for every reason a message does not open.
 */

export type EncryptionContext = Readonly<Record<string, string>>;

export interface Sealed {
  readonly ciphertext: Uint8Array;
  /** Version of the wrapping key that wrapped the data key (`v1`, `v2`, …), stored beside the ciphertext. */
  readonly keyVersion: string;
}

export interface Envelope {
  encrypt(plaintext: Uint8Array, context: EncryptionContext): Promise<Sealed>;
  /** Throws DecryptionFailed when the message does not open or its context differs from `expected`. */
  decrypt(ciphertext: Uint8Array, expected: EncryptionContext): Promise<Uint8Array>;
  /** The version new ciphertexts are written with. */
  readonly currentKeyVersion: string;
  /** Every version loaded (the current one and those that only decrypt). */
  readonly keyVersions: readonly string[];
  /** When an operation last failed with KeyringUnavailable (ms since the epoch; 0: never), for readiness. */
  readonly lastOutageAt?: number;
}

/** One error for every way a decrypt can fail: wrong key, tampered bytes, or a context that does not match. */
export class DecryptionFailed extends Error {
  override readonly name = 'DecryptionFailed';
  constructor(readonly reason: 'message' | 'context') {
    super('ciphertext did not decrypt');
  }
}

/** Thrown when the keyring cannot be reached or used (KMS down, key disabled). Maps to 503. */
export class KeyringUnavailable extends Error {
  override readonly name = 'KeyringUnavailable';
  constructor(options?: { cause?: unknown }) {
    super('keyring unavailable', options);
  }
}
