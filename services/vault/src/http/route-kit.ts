import type { NextFunction, Request, Response } from 'express';
import type { OperationPolicy } from '../operations/operation.ts';

/**
 * What the operation routes (http/operation-routes.ts) get: a guard per operation of the table (wiring/operation-table.ts).
 * The table says the scope, whether a user is needed and how repeats are answered; a route adds nothing to it.
 */
export type Guard = (operation: OperationPolicy) => (req: Request, res: Response, next: NextFunction) => Promise<void>;

/** Route parameter as a string (express 5 types allow arrays for wildcard params). */
export function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}

/**
 * Hands a request to the one router that owns its resource — the path up to its second segment, `/v1/cards` for
 * `/v1/cards/:id` — instead of letting express try every route of every router in turn (the router walk was ~8 %
 * of a redeem's CPU with six routers mounted). Matching stays the routers' own: case-insensitive, as express
 * routes are by default, and a path no router owns goes on to `next` (the 404).
 */
export function byResource(routers: Readonly<Record<string, (req: Request, res: Response, next: NextFunction) => void>>) {
  const owners = new Map(Object.entries(routers).map(([prefix, router]) => [prefix.toLowerCase(), router]));
  return (req: Request, res: Response, next: NextFunction): void => {
    const path = req.path;
    const end = path.indexOf('/', path.indexOf('/', 1) + 1);
    const owner = owners.get((end === -1 ? path : path.slice(0, end)).toLowerCase());
    if (owner) owner(req, res, next);
    else next();
  };
}
