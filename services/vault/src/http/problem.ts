import type { NextFunction, Request, Response } from 'express';
import { ClientError, retryAfterOf, ServerError, VaultError } from '../errors/vault-error.ts';

export { toVaultError };
export { problemOf, type Problem } from '../errors/problem-document.ts';
import { problemOf } from '../errors/problem-document.ts';
import type { Logger } from '../observability/logger.ts';
import { toVaultError } from '../errors/to-vault-error.ts';
import { state } from './request-context.ts';

export function sendProblem(res: Response, error: VaultError): void {
  const problem = problemOf(error, state(res).requestId);
  const retryAfter = retryAfterOf(error);
  if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

/** The one place errors become responses: `application/problem+json`, code and request id, nothing else. */
export function errorHandler(logger: Logger) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    const error = toVaultError(err);
    if (error instanceof ServerError) {
      logger.error({ requestId: state(res).requestId, code: error.code, dependency: error.dependency, err: error.cause }, 'request failed');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(res, error);
  };
}

export function notFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new ClientError('not_found'));
}
