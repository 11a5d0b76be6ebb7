import { ClientError, statusOf, titleOf, type ErrorCode, type VaultError } from './vault-error.ts';

/**
 * A refusal as a document (RFC 9457 problem details): what the HTTP API answers, and what an idempotency record
 * keeps of a refused call whichever transport made it. Code, fixed title and field errors only — never input.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  requestId: string;
  errors?: ReadonlyArray<{ path: string; code: string }>;
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

