import type { Scope } from '../identity/scopes.ts';
import type { NextFunction, Request, Response } from 'express';

/** What the domain route modules get: a guard per scope. Keeps them free of identity wiring. */
export type Guard = (scope: Scope, options: { user: boolean }) => (req: Request, res: Response, next: NextFunction) => Promise<void>;

/** Route parameter as a string (express 5 types allow arrays for wildcard params). */
export function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}
