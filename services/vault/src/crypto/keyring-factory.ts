import {
  KmsKeyringNode,
  MultiKeyringNode,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
  type KeyringNode,
} from '@aws-crypto/client-node';
import type { KmsCallLimits } from '../config/vault-config.ts';
import { boundedKmsClients } from './kms-calls.ts';
import type { Secret } from './secret.ts';

/** Raw AES-256 wrapping keys: dev and tests (keys-example/), or a site's own key files. */
export interface RawKeyringConfig {
  readonly kind: 'raw';
  readonly current: string;
  readonly keys: ReadonlyArray<{ readonly version: string; readonly material: Secret<Uint8Array> }>;
}

/** AWS KMS keys by full ARN: production. */
export interface KmsKeyringConfig {
  readonly kind: 'kms';
  readonly current: string;
  readonly keys: ReadonlyArray<{ readonly version: string; readonly arn: string }>;
  /** Deadlines and retries of each KMS call (kms-calls.ts). */
  readonly calls: KmsCallLimits;
  readonly grantTokens?: readonly string[];
}

export type KeyringConfig = RawKeyringConfig | KmsKeyringConfig;

/**
 * Two keyrings: new data keys are wrapped by the current key alone (so every message carries exactly one
 * encrypted data key and records one key version), while decrypt accepts any loaded, unretired version —
 * which is what lets the rotation job and the live service run side by side.
 */
export interface Keyrings {
  readonly encrypt: KeyringNode;
  readonly decrypt: KeyringNode;
  readonly current: string;
  readonly versions: readonly string[];
  /** Whether the keys are in AWS KMS: only then can a decrypt fail because a remote call did (kms-calls.ts). */
  readonly kms: boolean;
}

/** The raw keyring's provider namespace; key names are the versions. Stored in every message header. */
export const RAW_KEY_NAMESPACE = 'payment-vault';

export function buildKeyrings(config: KeyringConfig): Keyrings {
  const versions = config.keys.map((k) => k.version);
  /* Precondition: the current version must be one of the loaded keys, or nothing could be written. */
  if (!versions.includes(config.current)) {
    throw new Error(`current key version ${config.current} is not among the loaded keys (${versions.join(', ')})`);
  }
  /* Precondition: versions are unique, or a stored key version would be ambiguous. */
  if (new Set(versions).size !== versions.length) throw new Error('duplicate key version');

  const byVersion = new Map<string, KeyringNode>();
  if (config.kind === 'raw') for (const key of config.keys) byVersion.set(key.version, rawKeyring(key.version, key.material));
  else {
    // One bounded client per region, shared by every key version.
    const clientProvider = boundedKmsClients(config.calls);
    for (const key of config.keys) byVersion.set(key.version, kmsKeyring(key.arn, clientProvider, config));
  }
  const encrypt = byVersion.get(config.current)!;
  const decrypt =
    byVersion.size === 1 ? encrypt : new MultiKeyringNode({ children: [...byVersion.values()] });
  return { encrypt, decrypt, current: config.current, versions, kms: config.kind === 'kms' };
}

function rawKeyring(version: string, material: Secret<Uint8Array>): KeyringNode {
  const bytes = material.reveal();
  /* Precondition: AES-256 only; a shorter key would silently weaken every record. */
  if (bytes.length !== 32) throw new Error(`wrapping key ${version} must be 32 bytes (AES-256)`);
  return new RawAesKeyringNode({
    keyNamespace: RAW_KEY_NAMESPACE,
    keyName: version,
    // A copy: the SDK takes ownership of (and zeroes) the array it is given.
    unencryptedMasterKey: new Uint8Array(bytes),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
}

function kmsKeyring(arn: string, clientProvider: ReturnType<typeof boundedKmsClients>, config: KmsKeyringConfig): KeyringNode {
  return new KmsKeyringNode({
    clientProvider,
    generatorKeyId: arn,
    keyIds: [],
    ...(config.grantTokens ? { grantTokens: [...config.grantTokens] } : {}),
  });
}
