import type { NextFunction, Request, Response } from 'express';
import { ClientError } from '../errors/vault-error.ts';
import type { IdempotencyStore, StoredResponse } from '../idempotency/idempotency-store.ts';
import type { WriteIdempotency } from '../idempotency/write-idempotency.ts';
import type { WriteOutcome } from '../idempotency/write-outcome.ts';
import type { Logger } from '../observability/logger.ts';
import { state } from './request-context.ts';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Who an `Idempotency-Key` belongs to, how long its record may live, and where it is kept: `database` for a
 * request that writes to PostgreSQL (the record commits with the write), `redis` for one that writes only to
 * Redis (a payment-token issue). Null: the caller is not authenticated, or the route is never replayed.
 */
export interface IdempotencyScope {
  readonly scope: string;
  readonly store: 'database' | 'redis';
  readonly ttlSeconds: number;
}

export interface IdempotencyDeps {
  readonly redis: IdempotencyStore;
  readonly database: WriteIdempotency;
  readonly logger: Logger;
}

function replay(res: Response, response: StoredResponse): void {
  res.status(response.status).type(response.contentType).setHeader('Idempotent-Replayed', 'true');
  res.send(response.body);
}

/**
 * `Idempotency-Key` on a POST: a repeat with the same key and body gets the first outcome again
 * (`Idempotent-Replayed: true`); the same key with another body, or while the first is still running, gets 409
 * `idempotency_key_reused`. `scopeOf` names an authenticated caller (service and user, or a live card-entry
 * session), so keys never collide across callers.
 */
export function idempotency(deps: IdempotencyDeps, scopeOf: (req: Request, res: Response) => Promise<IdempotencyScope | null> | IdempotencyScope | null) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.get('idempotency-key');
    if (req.method !== 'POST' || header === undefined) return next();
    if (!IDEMPOTENCY_KEY.test(header)) throw new ClientError('invalid_request', [{ path: 'Idempotency-Key', code: 'invalid_idempotency_key' }]);
    const scope = await scopeOf(req, res);
    if (!scope) return next();
    const request = `${req.method} ${req.path} ${JSON.stringify(req.body ?? null)}`;
    if (scope.store === 'database') return inDatabase(deps.database, scope, header, request, res, next);
    return inRedis(deps, scope, header, request, res, next);
  };
}

/** The outcome of the route's write, to hand to the service (undefined when the request carried no key). */
export function writeOutcomeOf<T>(res: Response, statusOf: number | ((result: T) => number)): WriteOutcome<T> | undefined {
  const make = state(res).writeOutcome;
  return make?.(typeof statusOf === 'number' ? () => statusOf : statusOf) as WriteOutcome<T> | undefined;
}

async function inDatabase(writes: WriteIdempotency, scope: IdempotencyScope, header: string, request: string, res: Response, next: NextFunction): Promise<void> {
  const target = writes.target(scope.scope, header, request, scope.ttlSeconds);
  const found = await writes.lookup(target);
  if (found.kind === 'conflict') throw new ClientError('idempotency_key_reused');
  if (found.kind === 'replay') return replay(res, found.response);
  state(res).writeOutcome = (statusOf) => writes.outcome(target, statusOf);
  next();
}

async function inRedis(deps: IdempotencyDeps, scope: IdempotencyScope, header: string, request: string, res: Response, next: NextFunction): Promise<void> {
  const store = deps.redis;
  const start = await store.start(scope.scope, header, request, scope.ttlSeconds);
  if (start.kind === 'conflict') throw new ClientError('idempotency_key_reused');
  if (start.kind === 'replay') return replay(res, start.response);
  const send = res.send.bind(res);
  let settled = false;
  res.send = (body?: unknown) => {
    if (settled) return send(body);
    settled = true;
    const status = res.statusCode;
    if (status >= 500) {
      store.releaseWhenReachable(start);
      return send(body);
    }
    const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body ?? '');
    const contentType = String(res.getHeader('content-type') ?? 'application/json');
    store.complete(start, request, { status, contentType, body: text }, scope.ttlSeconds).then(
      () => send(body),
      // What was done is done: the caller gets its answer even if it could not be remembered. A retry with the
      // same key then meets the claim (409, for seconds) or, once it expires, runs again.
      (err: unknown) => {
        deps.logger.warn({ requestId: state(res).requestId, err }, 'idempotency record not saved; answering anyway');
        send(body);
      },
    );
    return res;
  };
  // A caller that goes away does not release the claim: its request still runs to the end and completes or
  // releases it; releasing early would let a retry run the same issue twice.
  next();
}
