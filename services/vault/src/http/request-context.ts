import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Actor, ServiceActor } from '../identity/actor.ts';

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
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function state(res: Response): RequestState {
  return res.locals as RequestState;
}

/** Accepts a well-formed X-Request-Id (or makes one) and echoes it on every response. */
export function requestContext(listener: RequestState['listener']) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.get('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
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
