import type { NextFunction, Request, Response } from 'express';
import type { StoredResponse } from '../idempotency/idempotency-store.ts';
import type { WriteOutcome } from '../idempotency/write-outcome.ts';
import type { IdempotencyScope, IdempotentCalls } from '../operations/idempotent-calls.ts';
import { state } from './request-context.ts';

function replay(res: Response, response: StoredResponse): void {
  res.status(response.status).type(response.contentType).setHeader('Idempotent-Replayed', 'true');
  res.send(response.body);
}

/**
 * `Idempotency-Key` on a POST, an adapter over the transport-neutral runner (operations/idempotent-calls.ts): a
 * repeat with the same key and body gets the first outcome again (`Idempotent-Replayed: true`); the same key
 * with another body, or while the first is still running, gets 409 `idempotency_key_reused`. `scopeOf` names
 * an authenticated caller (service and user, or a live card-entry session), or null (never replayed).
 */
export function idempotency(calls: IdempotentCalls, scopeOf: (req: Request, res: Response) => Promise<IdempotencyScope | null> | IdempotencyScope | null) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const key = req.get('idempotency-key');
    if (key === undefined) return next();
    // A malformed key is refused on any request, as over gRPC; only POSTs are ever replayed.
    calls.checkKey(key);
    if (req.method !== 'POST') return next();
    const s = state(res);
    // Named by its operation, as over gRPC; the public form's card add, outside the table, by its route.
    const call = await calls.start(await scopeOf(req, res), key, s.operation?.name ?? `${req.method} ${req.path}`, req.body, s.requestId);
    if (call.kind === 'replay') return replay(res, call.response);
    s.writeOutcome = (statusOf) => call.writeOutcome(statusOf);
    const send = res.send.bind(res);
    let settled = false;
    res.send = (body?: unknown) => {
      if (settled) return send(body);
      settled = true;
      const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body ?? '');
      const contentType = String(res.getHeader('content-type') ?? 'application/json');
      void call.finish({ status: res.statusCode, contentType, body: text }).then(() => send(body));
      return res;
    };
    // A caller that goes away does not release a claim: its request still runs to the end and completes or
    // releases it; releasing early would let a retry run the same issue twice.
    next();
  };
}

/** The outcome of the route's write, to hand to the service (undefined when the request carried no key). */
export function writeOutcomeOf<T>(res: Response, statusOf: number | ((result: T) => number)): WriteOutcome<T> | undefined {
  const make = state(res).writeOutcome;
  return make?.(typeof statusOf === 'number' ? () => statusOf : statusOf) as WriteOutcome<T> | undefined;
}
