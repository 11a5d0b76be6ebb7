import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Actor, ServiceActor } from '../identity/actor.ts';
import type { OperationPolicy } from '../operations/operation-table.ts';
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

/** A caller's request id is kept only if it is a UUID: anything else could carry data (a PAN) into logs and audit. */
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function state(res: Response): RequestState {
  return res.locals as RequestState;
}

/** Accepts a UUID X-Request-Id (or makes one) and echoes it on every response. */
export function requestContext(listener: RequestState['listener']) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.get('x-request-id');
    const requestId = given && REQUEST_ID.test(given.toLowerCase()) ? given.toLowerCase() : randomUUID();
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
