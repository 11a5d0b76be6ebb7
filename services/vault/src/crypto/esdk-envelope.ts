import {
  AlgorithmSuiteIdentifier,
  CommitmentPolicy,
  buildClient,
} from '@aws-crypto/client-node';
import type { Keyrings } from './keyring-factory.ts';
import { collectingKmsFailures, isKmsOutage } from './kms-calls.ts';
import {
  DecryptionFailed,
  KeyringUnavailable,
  type EncryptionContext,
  type Envelope,
  type Sealed,
} from './envelope.ts';

/**
 * Envelope encryption with the AWS Encryption SDK, policy pinned at construction:
 * - commitment required on encrypt and decrypt;
 * - suite 0x0478 (AES-256-GCM, HKDF-SHA512, key commitment, no ECDSA signature — the vault is the only writer
 *   and reader, so a signature protects nothing and costs ~9× per encrypt, see ARCHITECTURE §5);
 * - at most one encrypted data key per message (only the current key wraps).
 * The JS SDK does not compare an expected context on decrypt, so `decrypt` checks it here.
 */
export const SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
export const MAX_ENCRYPTED_DATA_KEYS = 1;

const client = buildClient({
  commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
  maxEncryptedDataKeys: MAX_ENCRYPTED_DATA_KEYS,
});

/**
 * A failed decrypt is an outage when the SDK error itself says so, or when KMS calls failed during it and every
 * one of them was an outage (the keyring hides them in a plain Error, see kms-calls.ts). One answer of KMS that
 * the blob or its context is wrong (InvalidCiphertextException, IncorrectKeyException) keeps it a decryption failure.
 */
function outageCause(err: unknown, kmsFailures: readonly unknown[]): unknown {
  if (isKmsOutage(err)) return err;
  if (kmsFailures.length > 0 && kmsFailures.every(isKmsOutage)) return kmsFailures[0];
  return undefined;
}

export class EsdkEnvelope implements Envelope {
  lastOutageAt = 0;

  constructor(private readonly keyrings: Keyrings) {}

  private outage(cause: unknown): KeyringUnavailable {
    this.lastOutageAt = Date.now();
    return new KeyringUnavailable({ cause });
  }

  get currentKeyVersion(): string {
    return this.keyrings.current;
  }

  get keyVersions(): readonly string[] {
    return this.keyrings.versions;
  }

  async encrypt(plaintext: Uint8Array, context: EncryptionContext): Promise<Sealed> {
    try {
      const { result } = await client.encrypt(this.keyrings.encrypt, plaintext, {
        encryptionContext: { ...context },
        suiteId: SUITE,
      });
      return { ciphertext: result, keyVersion: this.keyrings.current };
    } catch (err) {
      throw this.outage(err);
    }
  }

  async decrypt(ciphertext: Uint8Array, expected: EncryptionContext): Promise<Uint8Array> {
    let opened;
    const kmsFailures: unknown[] = [];
    try {
      // Collected only with KMS keys: the collection runs the decrypt in an AsyncLocalStorage context, whose promise
      // hooks a raw keyring (no remote call can fail) need not pay for on every card read.
      const decrypting = () => client.decrypt(this.keyrings.decrypt, ciphertext);
      opened = await (this.keyrings.kms ? collectingKmsFailures(kmsFailures, decrypting) : decrypting());
    } catch (err) {
      const outage = outageCause(err, kmsFailures);
      if (outage !== undefined) throw this.outage(outage);
      throw new DecryptionFailed('message');
    }
    if (!contextMatches(opened.messageHeader.encryptionContext, expected)) {
      opened.plaintext.fill(0);
      throw new DecryptionFailed('context');
    }
    return opened.plaintext;
  }
}

/** Every expected pair must be present with the same value; the SDK may add its own `aws-crypto-*` pairs. */
export function contextMatches(actual: Readonly<Record<string, string>>, expected: EncryptionContext): boolean {
  for (const [key, value] of Object.entries(expected)) {
    if (actual[key] !== value) return false;
  }
  for (const key of Object.keys(actual)) {
    if (!(key in expected) && !key.startsWith('aws-crypto-')) return false;
  }
  return true;
}
