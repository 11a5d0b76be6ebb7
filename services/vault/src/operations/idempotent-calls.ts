import { ClientError } from '../errors/vault-error.ts';
import type { IdempotencyStore, StoredResponse } from '../idempotency/idempotency-store.ts';
import type { WriteIdempotency } from '../idempotency/write-idempotency.ts';
import type { WriteOutcome } from '../idempotency/write-outcome.ts';
import type { Logger } from '../observability/logger.ts';
import type { Admitted } from './admission.ts';
import type { OperationPolicy, OutcomeLife } from './operation.ts';

/** JSON with every object's members in sorted order: the same input, whichever order a client wrote it in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * What a repeat must match to be answered from the record: the operation and its input, transport-neutral — the
 * same request sent with the same key over HTTP and then over gRPC is a replay, not a conflict.
 */
function requestFingerprint(operation: string, input: unknown): string {
  return `${operation} ${canonicalJson(input)}`;
}

/** What an idempotency key looks like (documented in README "Idempotency protocol"). */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Who an idempotency key belongs to, how long its record may live, and where it is kept: `database` for a call
 * that writes to PostgreSQL (the record commits with the write), `redis` for one that writes only to Redis.
 */
export interface IdempotencyScope {
  readonly scope: string;
  readonly store: 'database' | 'redis';
  readonly ttlSeconds: number;
}

/** A call that must run now (no outcome under its key yet); it tells the record how it ended. */
export interface CallToRun {
  readonly kind: 'run';
  /** For a database-kept record: the outcome the service commits with its write. */
  writeOutcome<T>(statusOf: (result: T) => number): WriteOutcome<T> | undefined;
  /**
   * The answer the caller is about to get: remembered when it is final (below 500), else the claim is released
   * so a retry runs again. Never throws: what was done is done, and the caller gets its answer regardless.
   */
  finish(response: StoredResponse): Promise<void>;
}

export type CallStart = { readonly kind: 'replay'; readonly response: StoredResponse } | CallToRun;

export interface IdempotentCallsDeps {
  readonly redis: IdempotencyStore;
  readonly database: WriteIdempotency;
  readonly logger: Logger;
  /** Seconds each outcome life lasts (card-entry session, payment token, day), from the config. */
  readonly lifeSeconds: Readonly<Record<OutcomeLife, number>>;
}

const RUN_WITHOUT_RECORD: CallToRun = { kind: 'run', writeOutcome: () => undefined, finish: async () => {} };

/**
 * The idempotency runner, for every transport alike: a repeat with the same key and request gets the first
 * outcome again; the same key with another request, or while the first still runs, is refused
 * (`idempotency_key_reused`). Keys are scoped to the whole admitted caller, so they never collide across callers.
 */
export class IdempotentCalls {
  constructor(private readonly deps: IdempotentCallsDeps) {}

  /** The scope of an admitted caller's key for `operation`, or null when the operation is never replayed. */
  scopeOf(operation: OperationPolicy, admitted: Admitted): IdempotencyScope | null {
    if (operation.idempotency === 'never') return null;
    const user = admitted.actor?.user;
    // The whole caller: service, and the user with tenant and group (a retry under another group is another request).
    const scope = user ? `${admitted.serviceActor.service}|${user.tenantId}|${user.userId}|${user.groupId ?? ''}` : admitted.serviceActor.service;
    return { scope, store: operation.idempotency.store, ttlSeconds: this.deps.lifeSeconds[operation.idempotency.life] };
  }

  /** Refuses a malformed key (before anything is looked up for it). */
  checkKey(key: string): void {
    if (!IDEMPOTENCY_KEY.test(key)) throw new ClientError('invalid_request', [{ path: 'Idempotency-Key', code: 'invalid_idempotency_key' }]);
  }

  /**
   * Starts a call of `operation` (its name, or what names it for a caller outside the table) with `input`,
   * carrying `key` (undefined: none sent). A malformed key is refused before anything is looked up; the request's
   * fingerprint is computed only when there is a record to match it against.
   */
  async start(scope: IdempotencyScope | null, key: string | undefined, operation: string, input: unknown, requestId: string): Promise<CallStart> {
    if (key === undefined) return RUN_WITHOUT_RECORD;
    this.checkKey(key);
    if (!scope) return RUN_WITHOUT_RECORD;
    const request = requestFingerprint(operation, input ?? null);
    return scope.store === 'database' ? this.inDatabase(scope, key, request) : this.inRedis(scope, key, request, requestId);
  }

  private async inDatabase(scope: IdempotencyScope, key: string, request: string): Promise<CallStart> {
    const writes = this.deps.database;
    const target = writes.target(scope.scope, key, request, scope.ttlSeconds);
    const found = await writes.lookup(target);
    if (found.kind === 'conflict') throw new ClientError('idempotency_key_reused');
    if (found.kind === 'replay') return found;
    return {
      kind: 'run',
      writeOutcome: <T>(statusOf: (result: T) => number) => writes.outcome(target, statusOf),
      // The record commits with the write itself (or not at all): nothing left to do here.
      finish: async () => {},
    };
  }

  private async inRedis(scope: IdempotencyScope, key: string, request: string, requestId: string): Promise<CallStart> {
    const store = this.deps.redis;
    const start = await store.start(scope.scope, key, request, scope.ttlSeconds);
    if (start.kind === 'conflict') throw new ClientError('idempotency_key_reused');
    if (start.kind === 'replay') return start;
    let finished = false;
    return {
      kind: 'run',
      writeOutcome: () => undefined,
      finish: async (response) => {
        if (finished) return;
        finished = true;
        if (response.status >= 500) return store.releaseWhenReachable(start);
        await store.complete(start, request, response, scope.ttlSeconds).catch((err: unknown) => {
          // A retry with the same key then meets the claim (409, for seconds) or, once it expires, runs again.
          this.deps.logger.warn({ requestId, err }, 'idempotency record not saved; answering anyway');
        });
      },
    };
  }
}
