import * as grpc from '@grpc/grpc-js';
import { problemOf, type Problem } from '../errors/problem-document.ts';
import { toVaultError } from '../errors/to-vault-error.ts';
import { ClientError, ServerError, statusOf } from '../errors/vault-error.ts';
import type { WriteOutcome } from '../idempotency/write-outcome.ts';
import { serviceFromCertificate } from '../identity/service-identity.ts';
import type { Logger } from '../observability/logger.ts';
import type { VaultMetrics } from '../observability/metrics.ts';
import { requestIdFrom } from '../observability/request-id.ts';
import type { Admission, Admitted } from '../operations/admission.ts';
import type { IdempotentCalls } from '../operations/idempotent-calls.ts';
import type { OperationPolicy } from '../operations/operation.ts';
import { toServiceError } from './grpc-status.ts';
import { isUnreadable, UNREADABLE } from './proto-definition.ts';

export interface GrpcCallDeps {
  readonly admission: Admission;
  readonly calls: IdempotentCalls;
  readonly trustDomain: string;
  readonly logger: Logger;
  readonly metrics: VaultMetrics;
}

/** What a handler gets: the admitted caller, the decoded request, and the outcome of an idempotent write. */
export interface CallContext<Req> {
  readonly admitted: Admitted;
  readonly request: Req;
  writeOutcome<T>(statusOf: (result: T) => number): WriteOutcome<T> | undefined;
  /** Whether the caller can still receive the answer: its deadline has not passed and it has not cancelled. */
  stillWanted(): boolean;
}

const JSON_TYPE = 'application/json; charset=utf-8';

const text = (metadata: grpc.Metadata, key: string): string | undefined => {
  const value = metadata.get(key)[0];
  return typeof value === 'string' ? value : undefined;
};

/** A call whose deadline has passed does no work: it is answered DEADLINE_EXCEEDED before anything runs. */
class DeadlinePassed extends Error {}

/** Whether the caller can no longer receive an answer: it cancelled, or its deadline has passed. */
function isLate(call: grpc.ServerUnaryCall<unknown, unknown>): boolean {
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return call.cancelled || (Number.isFinite(at) && at <= Date.now());
}

function checkDeadline(call: grpc.ServerUnaryCall<unknown, unknown>): void {
  if (isLate(call)) throw new DeadlinePassed();
}

/**
 * One unary gRPC method over the transport-neutral policy, as the HTTP routes are: request id, the calling
 * service from the verified client certificate, admission by the operation's table entry (scope, user assertion
 * from `authorization`), the idempotency runner (`idempotency-key`), the handler, errors mapped in one place
 * (grpc-status.ts), one log line and one metrics sample per call. `status` is the HTTP-equivalent status of a
 * success (201 for a creation): what an idempotency record keeps, so both transports remember the same way.
 */
export function unary<Req, Res>(
  deps: GrpcCallDeps,
  method: string,
  operation: OperationPolicy,
  handler: (ctx: CallContext<Req>) => Promise<Res>,
  status: number | ((result: Res) => number) = 200,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(text(call.metadata, 'x-request-id'));
    const service = serviceFromCertificate(call.getAuthContext()?.sslPeerCertificate, deps.trustDomain);
    const header = new grpc.Metadata();
    header.set('x-request-id', requestId);
    let outcome: string = 'OK';
    const finish = () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      deps.metrics.grpcRequests.inc({ method, status: outcome });
      deps.metrics.grpcLatency.observe({ method }, seconds);
      deps.logger.info({ requestId, listener: 'grpc', caller: service ?? undefined, method, status: outcome, ms: Math.round(seconds * 10_000) / 10 }, 'request');
    };
    const fail = (error: grpc.StatusObject) => {
      outcome = grpc.status[error.code];
      callback(error);
    };
    const run = async () => {
      checkDeadline(call);
      const admitted = await deps.admission.admit(operation, { service, authorization: text(call.metadata, 'authorization'), requestId });
      // As HTTP reads JSON: an unknown field or a value of the wrong type is bad input, named by its path — except
      // on redeem, whose every malformed request gets the service's one 404: the service is handed a body it
      // refuses as it refuses any malformed one (and audits that refusal).
      let request: Req = call.request;
      if (isUnreadable(call.request)) {
        if (operation.name !== 'payment_tokens.redeem') throw new ClientError('invalid_request', [call.request[UNREADABLE]]);
        request = { malformed: true } as Req;
      }
      // Before any claim is taken: a call past its deadline must not hold its key for a retry.
      checkDeadline(call);
      const key = text(call.metadata, 'idempotency-key');
      const start = await deps.calls.start(deps.calls.scopeOf(operation, admitted), key, operation.name, request, requestId);
      if (start.kind === 'replay') {
        header.set('idempotent-replayed', 'true');
        const stored = start.response;
        if (stored.status < 400) {
          call.sendMetadata(header);
          return callback(null, JSON.parse(stored.body) as Res);
        }
        const problem = JSON.parse(stored.body) as Problem;
        const replayed = toServiceError(new ClientError(problem.code as never, problem.errors ?? []), requestId);
        replayed.metadata.set('idempotent-replayed', 'true');
        return fail(replayed);
      }
      try {
        checkDeadline(call);
      } catch (err) {
        // Past its deadline with a claim taken: nothing ran, so the claim is released for the retry (as on a 503).
        await start.finish({ status: 503, contentType: 'application/problem+json', body: '' });
        throw err;
      }
      let result: Res;
      try {
        result = await handler({
          admitted,
          request,
          writeOutcome: start.writeOutcome,
          stillWanted: () => !isLate(call),
        });
      } catch (err) {
        const error = toVaultError(err);
        await start.finish({ status: statusOf(error.code), contentType: 'application/problem+json', body: JSON.stringify(problemOf(error, requestId)) });
        throw error;
      }
      await start.finish({ status: typeof status === 'number' ? status : status(result), contentType: JSON_TYPE, body: JSON.stringify(result) });
      call.sendMetadata(header);
      callback(null, result);
    };
    run()
      .catch((err: unknown) => {
        if (err instanceof DeadlinePassed) return fail({ code: grpc.status.DEADLINE_EXCEEDED, details: 'deadline exceeded', metadata: header });
        const error = toVaultError(err);
        if (error instanceof ServerError) deps.logger.error({ requestId, code: error.code, dependency: error.dependency, err: error.cause }, 'request failed');
        fail(toServiceError(error, requestId));
      })
      .finally(finish);
  };
}
