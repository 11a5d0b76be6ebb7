import { KeyringUnavailable, kmsOutageName } from '../../vault/src/index.ts';

/**
 * A keyring outage (KMS throttled, unreachable, timed out, a 5xx) is not the data's fault: the job stops — batches
 * in flight roll back, committed ones stay, no row is marked failed — and exits with sysexits' EX_TEMPFAIL, which
 * says "try again later"; a rerun once KMS answers resumes where it stopped.
 */
export const KEYRING_UNAVAILABLE_EXIT = 75;

/** What kind of outage stopped the job, for its one line (`ThrottlingException`, `ECONNREFUSED`, `KmsTimeout`). */
export function outageKind(err: KeyringUnavailable): string {
  return kmsOutageName(err.cause);
}

/** The outage a reseal worker reported (reseal-messages.ts), as the same error on this thread, its kind kept. */
export function keyringUnavailableReported(kind: string): KeyringUnavailable {
  const cause = new Error('reported by a reseal worker');
  cause.name = kmsOutageName({ name: kind });
  return new KeyringUnavailable({ cause });
}

/** The job's last line when an outage stopped it: what happened, what was kept, and what to do. */
export function keyringUnavailableLine(err: KeyringUnavailable, rowsDone: number): string {
  return (
    `rotate-keys: stopped — the keyring (KMS) is unavailable (${outageKind(err)}); ${rowsDone} row(s) rotated ` +
    `before it are kept and no row was marked failed; rerun to resume once KMS answers`
  );
}
