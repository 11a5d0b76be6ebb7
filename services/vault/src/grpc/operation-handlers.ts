import type * as grpc from '@grpc/grpc-js';
import { pathParameters, type OperationDefinition } from '../operations/operation.ts';
import { unary, type GrpcCallDeps } from './grpc-call.ts';

/**
 * A service's JSON answer as a protobuf message: JSON null is an absent field, members the message does not
 * declare are dropped by the encoder; an answer with no body (a deletion) is the empty message.
 */
function message(value: unknown): unknown {
  const strip = (v: unknown): unknown =>
    v === null ? undefined : Array.isArray(v) ? v.map(strip) : typeof v === 'object' ? Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, strip(x)])) : v;
  return value === undefined ? {} : strip(value);
}

/**
 * `vault.v1.Vault`'s methods, built from the operation table: each binds one operation to the same service call
 * its HTTP route makes. The request's fields named like the HTTP path's parameters are the parameters; the others
 * are the input, as the JSON body would carry them ("" in a nullable field is JSON null). Nothing else happens here.
 */
export function operationHandlers<S>(operations: readonly OperationDefinition<S>[], services: S, deps: GrpcCallDeps): grpc.UntypedServiceImplementation {
  const handlers: grpc.UntypedServiceImplementation = {};
  for (const operation of operations) {
    const names = pathParameters(operation.http.path);
    const { method, nullable = [], toInput } = operation.grpc;
    // The status an idempotency record keeps, as HTTP's (201 for a creation); a deletion's 204 is a 200 here.
    const status = operation.http.status === 204 ? 200 : operation.http.status;
    handlers[method] = unary<Record<string, unknown>, unknown>(
      deps,
      method,
      operation,
      async (ctx) => {
        const fields: Record<string, unknown> = { ...ctx.request };
        const params: Record<string, string> = {};
        for (const name of names) {
          const value = fields[name];
          params[name] = typeof value === 'string' ? value : '';
          delete fields[name];
        }
        for (const name of nullable) if (fields[name] === '') fields[name] = null;
        const result = await operation.run(services, {
          service: ctx.admitted.serviceActor,
          actor: () => {
            if (!ctx.admitted.actor) throw new Error('user operation without a user');
            return ctx.admitted.actor;
          },
          params,
          input: toInput ? toInput(fields) : fields,
          writeOutcome: () => ctx.writeOutcome(() => status),
          stillWanted: ctx.stillWanted,
        });
        return message(result);
      },
      status,
    ) as grpc.UntypedHandleCall;
  }
  return handlers;
}
