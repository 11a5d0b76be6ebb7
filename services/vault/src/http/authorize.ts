import type { TLSSocket } from 'node:tls';
import type { NextFunction, Request, Response } from 'express';
import { serviceFromSocket } from '../identity/service-identity.ts';
import type { Admission } from '../operations/admission.ts';
import type { OperationPolicy } from '../operations/operation.ts';
import { state } from './request-context.ts';

export interface AuthorizeDeps {
  readonly trustDomain: string;
  readonly admission: Admission;
  /** Runs after a caller is admitted: `Idempotency-Key` handling, scoped to the admitted caller and operation. */
  readonly afterAdmit?: (req: Request, res: Response, next: NextFunction) => Promise<void>;
}

/**
 * Route guards for the internal listener, an adapter over the transport-neutral admission: the TLS layer has
 * already refused any client without a certificate from the internal CA; the certificate's SAN URI names the
 * service, and `Admission` decides (and audits) the rest from the operation's entry in the policy table.
 */
export function authorizer(deps: AuthorizeDeps) {
  /** Identifies the calling service from its client certificate. */
  function identifyService(req: Request, res: Response, next: NextFunction): void {
    state(res).service = serviceFromSocket(req.socket as TLSSocket, deps.trustDomain);
    next();
  }

  /** Admits the caller to `operation`; sets the actor. */
  function authorize(operation: OperationPolicy) {
    return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      const s = state(res);
      s.operation = operation;
      s.route = `${req.baseUrl}${String(req.route?.path ?? '')}`;
      const admitted = await deps.admission.admit(operation, { service: s.service, authorization: req.get('authorization'), requestId: s.requestId });
      s.serviceActor = admitted.serviceActor;
      if (admitted.actor) s.actor = admitted.actor;
      if (deps.afterAdmit) await deps.afterAdmit(req, res, next);
      else next();
    };
  }

  return { identifyService, authorize };
}
