import type { VaultConfig } from '../config/vault-config.ts';
import { EsdkEnvelope } from './esdk-envelope.ts';
import type { Envelope } from './envelope.ts';
import { HmacFingerprinter, type Fingerprinter } from './fingerprint.ts';
import { readKeyFile, readWrappingKeys } from './key-files.ts';
import { buildKeyrings, type KeyringConfig } from './keyring-factory.ts';
import type { Secret } from './secret.ts';

/** The keyring config the factory takes, from the vault's config (reading raw key files if any). */
export function keyringConfigFrom(keys: VaultConfig['keys']): KeyringConfig {
  const source = keys.wrapping;
  if (source.kind === 'kms') {
    return { kind: 'kms', current: source.current, keys: Object.entries(source.arns).map(([version, arn]) => ({ version, arn })) };
  }
  return { kind: 'raw', current: source.current, keys: readWrappingKeys(source.dir) };
}

/**
 * Envelope, fingerprinter and the HMAC master for keyed digests (the fingerprint key; each use derives its
 * own subkey), built once from config; key material is read here, before any listener opens.
 */
export function buildCrypto(keys: VaultConfig['keys']): { envelope: Envelope; fingerprinter: Fingerprinter; digestKey: Secret<Uint8Array> } {
  const fingerprintKey = readKeyFile(keys.fingerprint.file);
  return {
    envelope: new EsdkEnvelope(buildKeyrings(keyringConfigFrom(keys))),
    fingerprinter: new HmacFingerprinter({ version: keys.fingerprint.version, material: fingerprintKey }),
    digestKey: fingerprintKey,
  };
}
