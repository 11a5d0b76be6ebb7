import type { NextFunction, Request, Response } from 'express';
import { KeyringUnavailable, DecryptionFailed } from '../crypto/envelope.ts';
import { ClientError, ServerError, VaultError, statusOf, titleOf, type ErrorCode } from '../errors/vault-error.ts';
import type { Logger } from '../observability/logger.ts';
import { isDatabaseUnavailable } from '../storage/database-errors.ts';
import { isRedisUnavailable } from '../storage/redis.ts';
import { state } from './request-context.ts';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  requestId: string;
  errors?: ReadonlyArray<{ path: string; code: string }>;
}

/** Every failure, typed or not, as the one VaultError the client will see. Unknown errors fail closed. */
export function toVaultError(err: unknown): VaultError {
  if (err instanceof VaultError) return err;
  if (err instanceof KeyringUnavailable) return new ServerError('service_unavailable', 'keyring', { cause: err });
  if (err instanceof DecryptionFailed) return new ServerError('internal', 'keyring', { cause: err });
  if (isDatabaseUnavailable(err)) return new ServerError('service_unavailable', 'postgres', { cause: err });
  if (isRedisUnavailable(err)) return new ServerError('service_unavailable', 'redis', { cause: err });
  return new ServerError('internal', undefined, { cause: err });
}

export function problemOf(error: VaultError, requestId: string): Problem {
  const problem: Problem = {
    type: `https://errors.payment-vault.example/${error.code}`,
    title: titleOf(error.code),
    status: statusOf(error.code),
    code: error.code,
    requestId,
  };
  if (error instanceof ClientError && error.errors.length > 0) problem.errors = error.errors;
  return problem;
}

export function sendProblem(res: Response, error: VaultError): void {
  const problem = problemOf(error, state(res).requestId);
  if (error instanceof ClientError && error.retryAfter !== undefined) res.setHeader('Retry-After', String(error.retryAfter));
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
