import { KeyringUnavailable } from '../crypto/envelope.ts';
import { kmsOutageName } from '../crypto/kms-calls.ts';

/** KMS did not answer the start-up key check for the whole wait: the vault must not start (exit 69, EX_UNAVAILABLE). */
export class KmsUnreachableAtStart extends Error {
  override readonly name = 'KmsUnreachableAtStart';
  constructor(
    readonly waitedSeconds: number,
    /** The outage's type or code (`ThrottlingException`, `ECONNREFUSED`, `KmsTimeout`), never its message. */
    readonly outage: string,
  ) {
    super(`KMS unreachable for ${waitedSeconds} s (${outage}); not starting`);
  }
}

export interface KeyCheckRetry {
  /** How long to keep retrying after the first attempt (`VAULT_KMS_STARTUP_WAIT_SECONDS`); 0 = one attempt. */
  readonly waitSeconds: number;
  /** Says one line to the operator (stderr and the log): a retry, or that KMS answers again. */
  readonly say: (level: 'warn' | 'info', line: string, fields: { outage?: string; retryInMs?: number; waitedMs: number }) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** The first pause; each later one doubles, up to the cap, with ±10 % jitter so a fleet does not retry in step. */
const FIRST_PAUSE_MS = 1_000;
const MAX_PAUSE_MS = 15_000;

export function retryPauseMs(retry: number, random: () => number = Math.random): number {
  const base = Math.min(FIRST_PAUSE_MS * 2 ** (retry - 1), MAX_PAUSE_MS);
  return Math.min(Math.round(base * (0.9 + 0.2 * random())), MAX_PAUSE_MS);
}

/**
 * Runs the start-up key check; while it fails because the keyring (KMS) cannot be reached — at any step, opening
 * a canary or writing the first one — says so and runs it again after a growing pause, for up to `waitSeconds`.
 * An outage is no verdict on the keys: only a check that ran to its end may say they do not match.
 * Throws KmsUnreachableAtStart when KMS stayed unreachable; any other failure of the check as it came.
 */
export async function checkKeysRetryingKmsOutage(check: () => Promise<void>, options: KeyCheckRetry): Promise<void> {
  const { waitSeconds, say, sleep = (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)), now = Date.now, random = Math.random } = options;
  const started = now();
  const deadline = started + waitSeconds * 1_000;
  for (let retry = 1; ; retry++) {
    try {
      await check();
      if (retry > 1) say('info', `KMS answers again after ${seconds(now() - started)} s; starting`, { waitedMs: now() - started });
      return;
    } catch (err) {
      if (!(err instanceof KeyringUnavailable)) throw err;
      const outage = kmsOutageName(err.cause);
      const left = deadline - now();
      if (left <= 0) throw new KmsUnreachableAtStart(seconds(now() - started), outage);
      const pause = Math.min(retryPauseMs(retry, random), left);
      say('warn', `KMS unreachable (${outage}); retrying in ${Math.max(1, seconds(pause))} s`, { outage, retryInMs: pause, waitedMs: now() - started });
      await sleep(pause);
    }
  }
}

const seconds = (ms: number) => Math.round(ms / 1_000);
