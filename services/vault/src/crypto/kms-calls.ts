import { AsyncLocalStorage } from 'node:async_hooks';
import { cacheKmsClients, type KMS } from '@aws-crypto/client-node';

/**
 * What the KMS client threw during one envelope operation. The Encryption SDK's KMS keyring (and the multi-keyring
 * around it) catch every error of a failed Decrypt and rethrow one plain `Error` with no code and no cause, whose
 * message concatenates the stacks ("Unable to decrypt data key and one or more KMS CMKs had an error … Error #1
 * ThrottlingException: Rate exceeded" or "… Error: connect ECONNREFUSED …"). So the keyring's clients report each
 * SDK error here, with its name, code and `$fault` intact, and the envelope classifies those instead of parsing text.
 */
const failures = new AsyncLocalStorage<unknown[]>();

/** Runs `operation`, collecting every error a KMS call made during it into `into`. */
export function collectingKmsFailures<T>(into: unknown[], operation: () => Promise<T>): Promise<T> {
  return failures.run(into, operation);
}

type KmsOperation = 'decrypt' | 'encrypt' | 'generateDataKey';

/** The SDK's cached per-region clients, each call's error reported to the running operation before it is rethrown. */
export function reportingKmsClients(region: string): KMS | false {
  const client = cacheKmsClients(region);
  if (!client) return client;
  const reporting = (name: KmsOperation) => (args: never) =>
    (client[name] as (a: never) => Promise<unknown>).call(client, args).catch((err: unknown) => {
      failures.getStore()?.push(err);
      throw err;
    });
  return { decrypt: reporting('decrypt'), encrypt: reporting('encrypt'), generateDataKey: reporting('generateDataKey') } as unknown as KMS;
}
