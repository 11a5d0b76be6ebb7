import type { VaultConfig } from '../config/vault-config.ts';
import { EsdkEnvelope } from './esdk-envelope.ts';
import type { Envelope } from './envelope.ts';
import { HmacFingerprinter, type Fingerprinter } from './fingerprint.ts';
import { readKeyFile, readWrappingKeys } from './key-files.ts';
import { buildKeyrings, type KeyringConfig } from './keyring-factory.ts';

/** The keyring config the factory takes, from the vault's config (reading raw key files if any). */
export function keyringConfigFrom(keys: VaultConfig['keys']): KeyringConfig {
  const source = keys.wrapping;
  if (source.kind === 'kms') {
    return { kind: 'kms', current: source.current, keys: Object.entries(source.arns).map(([version, arn]) => ({ version, arn })) };
  }
  return { kind: 'raw', current: source.current, keys: readWrappingKeys(source.dir) };
}

/** Envelope and fingerprinter, built once from config; key material is read here, before any listener opens. */
export function buildCrypto(keys: VaultConfig['keys']): { envelope: Envelope; fingerprinter: Fingerprinter } {
  return {
    envelope: new EsdkEnvelope(buildKeyrings(keyringConfigFrom(keys))),
    fingerprinter: new HmacFingerprinter({ version: keys.fingerprint.version, material: readKeyFile(keys.fingerprint.file) }),
  };
}
