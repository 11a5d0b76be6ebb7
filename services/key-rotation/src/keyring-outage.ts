import { KeyringUnavailable } from '../../vault/src/index.ts';

/**
 * A keyring outage (KMS throttled, unreachable, timed out, a 5xx) is not the data's fault: the job stops — batches
 * in flight roll back, committed ones stay, no row is marked failed — and exits with sysexits' EX_TEMPFAIL, which
 * says "try again later"; a rerun once KMS answers resumes where it stopped.
 */
export const KEYRING_UNAVAILABLE_EXIT = 75;

/** An error code or name as KMS and Node give them (`ThrottlingException`, `ECONNREFUSED`, `KmsTimeout`). */
const KIND = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/**
 * What kind of outage stopped the job, for its one line: the KMS error's code or name, never its message (which
 * may quote a key ARN or a request). `unknown` when the cause carries neither.
 */
export function outageKind(err: KeyringUnavailable): string {
  const cause = err.cause as { code?: unknown; name?: unknown } | null | undefined;
  for (const candidate of [cause?.code, cause?.name]) {
    if (typeof candidate === 'string' && candidate !== 'Error' && KIND.test(candidate)) return candidate;
  }
  return 'unknown';
}

/** The outage a reseal worker reported (reseal-messages.ts), as the same error on this thread, its kind kept. */
export function keyringUnavailableReported(kind: string): KeyringUnavailable {
  const cause = new Error('reported by a reseal worker');
  cause.name = KIND.test(kind) ? kind : 'unknown';
  return new KeyringUnavailable({ cause });
}

/** The job's last line when an outage stopped it: what happened, what was kept, and what to do. */
export function keyringUnavailableLine(err: KeyringUnavailable, rowsDone: number): string {
  return (
    `rotate-keys: stopped — the keyring (KMS) is unavailable (${outageKind(err)}); ${rowsDone} row(s) rotated ` +
    `before it are kept and no row was marked failed; rerun to resume once KMS answers`
  );
}
