import { DecryptionFailed, KeyringUnavailable } from '../crypto/envelope.ts';
import { isDatabaseUnavailable } from '../storage/database-errors.ts';
import { isRedisUnavailable } from '../storage/redis.ts';
import { ServerError, VaultError } from './vault-error.ts';

/** Every failure, typed or not, as the one VaultError the client will see, whatever the transport. Unknown errors fail closed. */
export function toVaultError(err: unknown): VaultError {
  if (err instanceof VaultError) return err;
  if (err instanceof KeyringUnavailable) return new ServerError('service_unavailable', 'keyring', { cause: err });
  if (err instanceof DecryptionFailed) return new ServerError('internal', 'keyring', { cause: err });
  if (isDatabaseUnavailable(err)) return new ServerError('service_unavailable', 'postgres', { cause: err });
  if (isRedisUnavailable(err)) return new ServerError('service_unavailable', 'redis', { cause: err });
  return new ServerError('internal', undefined, { cause: err });
}
