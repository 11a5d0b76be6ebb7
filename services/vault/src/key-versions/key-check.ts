import type { Envelope } from '../crypto/envelope.ts';
import { DecryptionFailed } from '../crypto/envelope.ts';
import type { Fingerprinter } from '../crypto/fingerprint.ts';
import type { EncryptedRecordType } from '../encrypted-records/encrypted-record-type.ts';
import type { Sql } from '../storage/sql.ts';
import { KeyCanaryRepository } from './key-canary-repository.ts';
import { KeyVersionRepository } from './key-version-repository.ts';

/** The loaded keys are not the ones the data was written with: the vault must not start. */
export class KeysDoNotMatchData extends Error {
  override readonly name = 'KeysDoNotMatchData';
  constructor(
    /** The setting to fix (`VAULT_RAW_KEYS_DIR`, `VAULT_KMS_KEY_ARNS`, `VAULT_FINGERPRINT_KEYS_DIR`). */
    readonly variable: string,
    reason: string,
  ) {
    super(`keys do not match the data: ${variable}: ${reason}`);
  }
}

export interface KeyCheckDeps {
  /** The database (the pool's `sqlOn`): each statement on its own. */
  readonly db: Sql;
  readonly envelope: Envelope;
  readonly fingerprinter: Fingerprinter;
  /** Where the wrapping keys come from, and where the fingerprint keys do: named in a refusal. */
  readonly wrappingVariable: string;
  readonly fingerprintVariable: string;
  /** The tables whose key versions are checked: every registered one (the wiring's registry). */
  readonly recordTypes: readonly EncryptedRecordType[];
}

const CANARY_TEXT = 'payment-vault key canary v1';
const canaryContext = (version: string) => ({ purpose: 'key-canary', version });

/**
 * At start-up, before any listener opens:
 * 1. every key version the data was written with (every registered encrypted record type — cards, billing
 *    profiles, live idempotency records — and their keyed digests, card fingerprints) is loaded;
 * 2. every loaded key opens (or, for fingerprint keys, reproduces) the canary written when it became current —
 *    the same version number with other key material (`keys:example` run again, a wrong KMS ARN) is caught here;
 * 3. the current versions get a canary if they have none yet.
 * Throws KeysDoNotMatchData naming the version and the variable to fix.
 */
export async function checkKeysMatchData(deps: KeyCheckDeps): Promise<void> {
  const { db, envelope, fingerprinter, recordTypes } = deps;
  const keys = new KeyVersionRepository(db, recordTypes);
  const canaryStore = new KeyCanaryRepository(db);
  for (const type of recordTypes) {
    for (const v of await keys.versionsIn(type, type.keyVersionColumn)) {
      if (!envelope.keyVersions.includes(v)) throw new KeysDoNotMatchData(deps.wrappingVariable, `data is encrypted under key ${v}, which is not loaded`);
    }
  }
  for (const type of recordTypes) {
    for (const digest of type.digests ?? []) {
      for (const v of await keys.versionsIn(type, digest.keyVersionColumn)) {
        if (!fingerprinter.keyVersions.includes(v)) throw new KeysDoNotMatchData(deps.fingerprintVariable, `${digest.label} use key ${v}, which is not loaded`);
      }
    }
  }

  const canaries = await canaryStore.all();
  for (const c of canaries) {
    if (c.purpose === 'wrapping' && envelope.keyVersions.includes(c.version)) {
      const opened = await envelope.decrypt(c.canary, canaryContext(c.version)).catch((err: unknown) => {
        if (err instanceof DecryptionFailed) return null;
        throw err; // the keyring is unavailable: not a mismatch, and not a reason to guess
      });
      if (!opened || Buffer.from(opened).toString('utf8') !== CANARY_TEXT) {
        throw new KeysDoNotMatchData(deps.wrappingVariable, `key ${c.version} does not open what key ${c.version} encrypted: it is other key material under the same version`);
      }
    }
    if (c.purpose === 'fingerprint' && fingerprinter.keyVersions.includes(c.version) && fingerprinter.canary(c.version) !== Buffer.from(c.canary).toString('utf8')) {
      throw new KeysDoNotMatchData(deps.fingerprintVariable, `fingerprint key ${c.version} is not the key card fingerprints were made with`);
    }
  }

  const has = (purpose: string, version: string) => canaries.some((c) => c.purpose === purpose && c.version === version);
  if (!has('wrapping', envelope.currentKeyVersion)) {
    const sealed = await envelope.encrypt(Buffer.from(CANARY_TEXT, 'utf8'), canaryContext(envelope.currentKeyVersion));
    await canaryStore.add('wrapping', envelope.currentKeyVersion, sealed.ciphertext);
  }
  if (!has('fingerprint', fingerprinter.keyVersion)) {
    const canary = Buffer.from(fingerprinter.canary(fingerprinter.keyVersion)!, 'utf8');
    await canaryStore.add('fingerprint', fingerprinter.keyVersion, canary);
  }
}
