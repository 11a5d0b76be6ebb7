import { DecryptionFailed } from '../crypto/envelope.ts';
import { ServerError } from '../errors/vault-error.ts';
import type { AuditEventInput } from './audit-event.ts';
import type { AuditStore } from './audit-store.ts';

/**
 * Runs a decrypt; if the ciphertext does not open (tampered, moved to another row, wrong key), records a
 * `failed` audit event with reason `decryption_failed` and answers 500 `internal`. Nothing of the ciphertext
 * or plaintext goes into the event or the error.
 */
export async function auditedDecrypt<T>(
  audit: AuditStore,
  event: Omit<AuditEventInput, 'outcome' | 'reason'>,
  open: () => Promise<T>,
): Promise<T> {
  try {
    return await open();
  } catch (err) {
    if (!(err instanceof DecryptionFailed)) throw err;
    await audit.append({ ...event, outcome: 'failed', reason: 'decryption_failed' });
    throw new ServerError('internal', 'keyring', { cause: err });
  }
}
