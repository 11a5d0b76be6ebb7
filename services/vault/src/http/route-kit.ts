import type { Scope } from '../identity/scopes.ts';
import type { NextFunction, Request, Response } from 'express';

/**
 * What a route declares: whether it acts for a user, and how a repeat with the same `Idempotency-Key` is
 * answered — from a record kept `ttlSeconds` in `database` (committed with the route's PostgreSQL write) or in
 * `redis` (for a route that writes only to Redis), or `never` (redeem: single use by nature, and its answer
 * holds card data). Only POST routes replay; a POST route that declares nothing is `never`.
 */
export interface GuardOptions {
  readonly user: boolean;
  readonly idempotency?: 'never' | { readonly store: 'database' | 'redis'; readonly ttlSeconds: number };
}

/** What the domain route modules get: a guard per scope. Keeps them free of identity wiring. */
export type Guard = (scope: Scope, options: GuardOptions) => (req: Request, res: Response, next: NextFunction) => Promise<void>;

/** Route parameter as a string (express 5 types allow arrays for wildcard params). */
export function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}
