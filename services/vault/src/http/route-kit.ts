import type { NextFunction, Request, Response } from 'express';
import type { OperationPolicy } from '../operations/operation-table.ts';

/**
 * What the domain route modules get: a guard per operation of the policy table (operations/operation-table.ts).
 * The table says the scope, whether a user is needed and how repeats are answered; a route adds nothing to it.
 */
export type Guard = (operation: OperationPolicy) => (req: Request, res: Response, next: NextFunction) => Promise<void>;

/** Route parameter as a string (express 5 types allow arrays for wildcard params). */
export function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}
