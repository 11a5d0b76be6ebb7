import type { NextFunction, Request, Response } from 'express';
import { ClientError } from '../errors/vault-error.ts';
import type { IdempotencyStore } from '../idempotency/idempotency-store.ts';
import { sendProblem, toVaultError } from './problem.ts';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

/** Who an `Idempotency-Key` belongs to, and how long its record may live; null: the request is not replayable. */
export interface IdempotencyScope {
  readonly scope: string;
  readonly ttlSeconds: number;
}

/**
 * `Idempotency-Key` on a POST: the first request with a key runs and its response (below 500) is kept for the
 * scope's `ttlSeconds`; a repeat with the same key and body gets that response again (`Idempotent-Replayed: true`);
 * the same key with another body, or while the first is still running, gets 409 `idempotency_key_reused`.
 * `scopeOf` names an authenticated caller (service and user, or a live card-entry session), so keys never
 * collide across callers; it answers null for a caller that is not authenticated or a route that is never
 * replayed, and then nothing is stored.
 */
export function idempotency(store: IdempotencyStore, scopeOf: (req: Request, res: Response) => Promise<IdempotencyScope | null> | IdempotencyScope | null) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.get('idempotency-key');
    if (req.method !== 'POST' || header === undefined) return next();
    if (!IDEMPOTENCY_KEY.test(header)) throw new ClientError('invalid_request', [{ path: 'Idempotency-Key', code: 'invalid_idempotency_key' }]);
    const scope = await scopeOf(req, res);
    if (!scope) return next();
    const request = `${req.method} ${req.path} ${JSON.stringify(req.body ?? null)}`;
    const start = await store.start(scope.scope, header, request, scope.ttlSeconds);
    if (start.kind === 'conflict') throw new ClientError('idempotency_key_reused');
    if (start.kind === 'replay') {
      res.status(start.response.status).type(start.response.contentType).setHeader('Idempotent-Replayed', 'true');
      res.send(start.response.body);
      return;
    }
    const send = res.send.bind(res);
    let settled = false;
    res.send = (body?: unknown) => {
      if (settled) return send(body);
      settled = true;
      const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body ?? '');
      const contentType = String(res.getHeader('content-type') ?? 'application/json');
      const status = res.statusCode;
      if (status >= 500) {
        store.releaseWhenReachable(start);
        return send(body);
      }
      store.complete(start, request, { status, contentType, body: text }, scope.ttlSeconds).then(
        () => send(body),
        // The response could not be confirmed as remembered: answer 503 and leave the claim. If the record lands
        // late, a retry with the same key gets this response; if not, the claim expires within seconds.
        (err: unknown) => sendProblem(res, toVaultError(err)),
      );
      return res;
    };
    res.once('close', () => {
      if (!settled) store.releaseWhenReachable(start);
    });
    next();
  };
}
