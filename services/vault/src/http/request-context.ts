import type { NextFunction, Request, Response } from 'express';
import { requestIdFrom } from '../observability/request-id.ts';
import type { Actor, ServiceActor } from '../identity/actor.ts';
import type { OperationPolicy } from '../operations/operation.ts';
import type { WriteOutcome } from '../idempotency/write-outcome.ts';

/** Per-request state the HTTP layer keeps in `res.locals`. */
export interface RequestState {
  requestId: string;
  listener: 'internal' | 'public';
  /** The calling service from the verified client certificate (internal listener only). */
  service: string | null;
  actor?: Actor;
  /** The calling service, once `authorize` has admitted it. */
  serviceActor?: ServiceActor;
  /** The route pattern that matched (for logs and metrics), never the raw path. */
  route?: string;
  /** The operation the matched route is bound to (its policy). */
  operation?: OperationPolicy;
  /** Set when the request carries an Idempotency-Key for a database write: makes the write's outcome. */
  writeOutcome?: (statusOf: (result: never) => number) => WriteOutcome<never> | undefined;
}

export function state(res: Response): RequestState {
  return res.locals as RequestState;
}

/** Accepts a UUID X-Request-Id (or makes one) and echoes it on every response. */
export function requestContext(listener: RequestState['listener']) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const requestId = requestIdFrom(req.get('x-request-id'));
    Object.assign(res.locals, { requestId, listener, service: null } satisfies RequestState);
    res.setHeader('X-Request-Id', requestId);
    next();
  };
}

/** The actor set by `authorize`; routes that need a user call this. */
export function actorOf(res: Response): Actor {
  const actor = state(res).actor;
  if (!actor) throw new Error('route used without authorize()');
  return actor;
}

/** The admitted calling service, for routes that act for no user. */
export function serviceActorOf(res: Response): ServiceActor {
  const actor = state(res).serviceActor;
  if (!actor) throw new Error('route used without authorize()');
  return actor;
}
