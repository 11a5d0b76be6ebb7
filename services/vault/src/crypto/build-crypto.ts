import type { VaultConfig } from '../config/vault-config.ts';
import { EsdkEnvelope } from './esdk-envelope.ts';
import type { Envelope } from './envelope.ts';
import { HmacFingerprinter, type Fingerprinter } from './fingerprint.ts';
import { readFingerprintKeys, readWrappingKeys } from './key-files.ts';
import { buildKeyrings, type KeyringConfig } from './keyring-factory.ts';
import type { Secret } from './secret.ts';

/** Key versions an operator retired (`npm run keys:retire`): never loaded again. */
export interface RetiredKeys {
  readonly wrapping: readonly string[];
  readonly fingerprint: readonly string[];
}

export const NONE_RETIRED: RetiredKeys = { wrapping: [], fingerprint: [] };

/** The keyring config the factory takes, from the vault's config (reading raw key files if any), less retired keys. */
export function keyringConfigFrom(keys: VaultConfig['keys'], retired: RetiredKeys = NONE_RETIRED): KeyringConfig {
  const source = keys.wrapping;
  const live = ({ version }: { version: string }) => !retired.wrapping.includes(version);
  if (source.kind === 'kms') {
    return { kind: 'kms', current: source.current, keys: Object.entries(source.arns).map(([version, arn]) => ({ version, arn })).filter(live), calls: source.calls };
  }
  return { kind: 'raw', current: source.current, keys: readWrappingKeys(source.dir).filter(live) };
}

/**
 * Envelope, fingerprinter and the HMAC master for keyed digests (the current fingerprint key; each use derives
 * its own subkey), built once from config; key material is read here, before any listener opens.
 */
export function buildCrypto(
  keys: VaultConfig['keys'],
  retired: RetiredKeys = NONE_RETIRED,
): { envelope: Envelope; fingerprinter: Fingerprinter; digestKey: Secret<Uint8Array> } {
  /* Precondition: a retired key is gone for good; it cannot be the one new data is written with. */
  if (retired.wrapping.includes(keys.wrapping.current)) throw new Error(`current key ${keys.wrapping.current} is retired`);
  if (retired.fingerprint.includes(keys.fingerprint.current)) throw new Error(`current fingerprint key ${keys.fingerprint.current} is retired`);
  const fingerprintKeys = readFingerprintKeys(keys.fingerprint.dir).filter((k) => !retired.fingerprint.includes(k.version));
  const fingerprinter = new HmacFingerprinter(fingerprintKeys, keys.fingerprint.current);
  return {
    envelope: new EsdkEnvelope(buildKeyrings(keyringConfigFrom(keys, retired))),
    fingerprinter,
    digestKey: fingerprintKeys.find((k) => k.version === keys.fingerprint.current)!.material,
  };
}
