import { AsyncLocalStorage } from 'node:async_hooks';
import { KMS } from '@aws-crypto/client-node';
import type { KmsCallLimits } from '../config/vault-config.ts';

/**
 * The vault's KMS clients: every call bounded in time and retried only on an outage, and every error reported to
 * the envelope operation that is running.
 *
 * Deadlines. The SDK's default client has no request or socket timeout and retries throttling with pauses of up to
 * seconds, so a KMS that accepts connections and never answers held card add and token issue for as long as it
 * hung. Here each attempt ends after `attemptTimeoutMs` (aborted, and raced so nothing before the socket — the
 * credential chain — can outlast it either), the call with its retries after `callTimeoutMs`, and the SDK's own
 * retries are off (`maxAttempts: 1`) so this is the only retry loop: at most `maxAttempts` attempts, only after an
 * outage, with a fully jittered exponential pause that still fits in the call's deadline.
 *
 * Reporting. The Encryption SDK's KMS keyring (and the multi-keyring around it) catch every error of a failed
 * Decrypt and rethrow one plain `Error` with no code and no cause, whose message concatenates the stacks. So each
 * failed call's error (name, code, `$fault` intact) is reported to the running operation (`collectingKmsFailures`),
 * and the envelope classifies those instead of parsing text.
 */
const failures = new AsyncLocalStorage<unknown[]>();

/** Runs `operation`, collecting every error a KMS call made during it into `into`. */
export function collectingKmsFailures<T>(into: unknown[], operation: () => Promise<T>): Promise<T> {
  return failures.run(into, operation);
}

/** A KMS attempt that did not finish within its deadline (hanging or too slow): an outage. */
export class KmsTimeout extends Error {
  override readonly name = 'KmsTimeout';
  readonly code = 'ETIMEDOUT';
  constructor(readonly afterMs: number) {
    super(`KMS did not answer within ${afterMs} ms`);
  }
}

/**
 * Errors that mean "KMS could not be used just now" (throttled, unreachable, timed out, a 5xx, a key or
 * credential KMS will not use at the moment), as opposed to "these bytes are not a message this key opens".
 */
export function isKmsOutage(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $fault?: string } | null;
  // A 5xx from KMS is its own failure (`$fault: 'server'`), whatever its name.
  if (e?.$fault === 'server') return true;
  return /Timeout|Network|Abort|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ENOTFOUND|EPIPE|ThrottlingException|KMSInternalException|ServiceUnavailable|KMSInvalidStateException|DisabledException|AccessDenied|CredentialsProviderError/i.test(
    `${e?.name ?? ''} ${e?.code ?? ''}`,
  );
}

/**
 * The name of an outage for a log or status line: the error's type, or its code when the type is the generic
 * `Error` (a refused connection). Never the message, which for SDK errors can quote a request or a key ARN;
 * anything that does not look like an identifier is `unknown`.
 */
export function kmsOutageName(cause: unknown): string {
  const e = cause as { name?: unknown; code?: unknown } | null | undefined;
  const name = typeof e?.name === 'string' && e.name !== 'Error' ? e.name : typeof e?.code === 'string' ? e.code : '';
  return /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(name) ? name : 'unknown';
}

type KmsOperation = 'decrypt' | 'encrypt' | 'generateDataKey';
const OPERATIONS: readonly KmsOperation[] = ['decrypt', 'encrypt', 'generateDataKey'];
/** The first retry waits up to this long (full jitter), each later one up to twice the one before. */
const FIRST_PAUSE_MS = 25;

/** A client provider for the ESDK's KMS keyring: one bounded, reporting client per region, made on first use. */
export function boundedKmsClients(limits: KmsCallLimits): (region: string) => KMS | false {
  const clients = new Map<string, KMS>();
  return (region) => {
    if (!region) return false;
    let client = clients.get(region);
    if (!client) clients.set(region, (client = boundedClient(region, limits)));
    return client;
  };
}

function boundedClient(region: string, limits: KmsCallLimits): KMS {
  const sdk = new KMS({
    region,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: limits.attemptTimeoutMs, requestTimeout: limits.attemptTimeoutMs },
  });
  const bounded = Object.fromEntries(
    OPERATIONS.map((name) => [name, (args: unknown) => callWithinLimits(sdk, name, args, limits).catch(reported)]),
  );
  return bounded as unknown as KMS;
}

function reported(err: unknown): never {
  failures.getStore()?.push(err);
  throw err;
}

async function callWithinLimits(sdk: KMS, name: KmsOperation, args: unknown, limits: KmsCallLimits): Promise<unknown> {
  const deadline = Date.now() + limits.callTimeoutMs;
  for (let attempt = 1; ; attempt++) {
    const budget = Math.min(limits.attemptTimeoutMs, deadline - Date.now());
    let error: unknown;
    try {
      return await attemptWithin(sdk, name, args, budget);
    } catch (err) {
      error = err;
    }
    const pause = Math.random() * FIRST_PAUSE_MS * 2 ** (attempt - 1);
    // Another attempt only after an outage, and only if it would still have a useful part of its own deadline.
    const worthTrying = deadline - Date.now() - pause >= Math.min(limits.attemptTimeoutMs, 50);
    if (attempt >= limits.maxAttempts || !isKmsOutage(error) || !worthTrying) throw error;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

function attemptWithin(sdk: KMS, name: KmsOperation, args: unknown, budgetMs: number): Promise<unknown> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new KmsTimeout(budgetMs));
    }, budgetMs);
  });
  const call = (sdk[name] as (a: unknown, o: { abortSignal: AbortSignal }) => Promise<unknown>).call(sdk, args, { abortSignal: abort.signal });
  // The aborted call's own rejection (AbortError) is superseded by the timeout; it must not go unhandled.
  call.catch(() => {});
  return Promise.race([call, timedOut]).finally(() => clearTimeout(timer));
}
