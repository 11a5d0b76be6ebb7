import { ClientError, type ClientErrorCode, type FieldProblem } from './vault-error.ts';

/**
 * Precondition as code: `needs(cond, code)` throws a ClientError with that code when `cond` is false.
 * Call sites carry a one-line comment saying why the precondition exists.
 */
export function needs(cond: boolean, code: ClientErrorCode, errors: readonly FieldProblem[] = []): asserts cond {
  if (!cond) throw new ClientError(code, errors);
}
