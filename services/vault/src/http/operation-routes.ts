import { Router, type RequestHandler } from 'express';
import { pathParameters, type OperationDefinition } from '../operations/operation.ts';
import { writeOutcomeOf } from './idempotency.ts';
import { actorOf, serviceActorOf } from './request-context.ts';
import { byResource, param, type Guard } from './route-kit.ts';

/** The resource a path belongs to: its first two segments (`/v1/cards` for `/v1/cards/:id`). */
function resourceOf(path: string): string {
  return path.split('/').slice(0, 3).join('/');
}

/**
 * The internal listener's routes, built from the operation table: each operation's method and path, admitted by
 * `guard` (scope, user assertion, idempotency key), its service call with the path's parameters and the body (or
 * query), answered with the operation's status. Parse, delegate, answer — nothing else; routes are grouped by
 * resource so a request is matched only against its own resource's routes.
 */
export function operationRoutes<S>(operations: readonly OperationDefinition<S>[], services: S, guard: Guard): RequestHandler {
  const routers = new Map<string, Router>();
  for (const operation of operations) {
    const { method, path, status, input } = operation.http;
    const names = pathParameters(path);
    const resource = resourceOf(path);
    const router = routers.get(resource) ?? Router();
    routers.set(resource, router);
    router[method](path, guard(operation), async (req, res) => {
      const result = await operation.run(services, {
        service: serviceActorOf(res),
        actor: () => actorOf(res),
        params: Object.fromEntries(names.map((name) => [name, param(req, name)])),
        input: input === 'query' ? req.query : req.body,
        writeOutcome: () => writeOutcomeOf(res, status),
        // A caller that hung up gets nothing (a redeem puts its token back for the retry).
        stillWanted: () => !req.socket.destroyed,
      });
      if (status === 204) res.status(204).end();
      else res.status(status).json(result);
    });
  }
  return byResource(Object.fromEntries(routers));
}
