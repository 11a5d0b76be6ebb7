import type { TLSSocket } from 'node:tls';
import type { NextFunction, Request, Response } from 'express';
import type { AuditStore } from '../audit/audit-store.ts';
import { ClientError } from '../errors/vault-error.ts';
import { scopesOf, type Scope, type ServiceScopes } from '../identity/scopes.ts';
import { serviceFromSocket } from '../identity/service-identity.ts';
import type { UserAssertionVerifier } from '../identity/user-assertion.ts';
import { state } from './request-context.ts';
import type { GuardOptions } from './route-kit.ts';

export interface AuthorizeDeps {
  readonly trustDomain: string;
  readonly serviceScopes: ServiceScopes;
  readonly verifier: UserAssertionVerifier;
  readonly audit: AuditStore;
  /** Runs after a caller is admitted: `Idempotency-Key` handling, scoped to the admitted caller and route. */
  readonly afterAdmit?: (req: Request, res: Response, next: NextFunction) => Promise<void>;
}

/**
 * Route guards for the internal listener. The TLS layer has already refused any client without a certificate
 * from the internal CA; here the certificate's SAN URI names the service, the route's scope must be one of the
 * service's, and a user-scoped route needs a valid user assertion. Every refusal is audited.
 */
export function authorizer(deps: AuthorizeDeps) {
  async function deny(req: Request, res: Response, code: 'forbidden' | 'unauthenticated', route: string): Promise<never> {
    const s = state(res);
    await deps.audit.append({
      action: 'request.denied',
      outcome: 'denied',
      actorService: s.service ?? 'unknown',
      requestId: s.requestId,
      target: `${req.method} ${route}`,
      reason: code,
    });
    throw new ClientError(code);
  }

  /** Identifies the calling service from its client certificate. */
  function identifyService(req: Request, res: Response, next: NextFunction): void {
    state(res).service = serviceFromSocket(req.socket as TLSSocket, deps.trustDomain);
    next();
  }

  /** Requires `scope`, and with `user: true` a verified user assertion; sets the actor. */
  function authorize(scope: Scope, options: GuardOptions) {
    return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      const s = state(res);
      s.guard = options;
      const route = `${req.baseUrl}${String(req.route?.path ?? '')}`;
      s.route = route;
      if (!s.service || !scopesOf(s.service, deps.serviceScopes).includes(scope)) await deny(req, res, 'forbidden', route);
      let user;
      try {
        user = options.user ? await deps.verifier.verify(req.get('authorization'), s.service!) : undefined;
      } catch {
        await deny(req, res, 'unauthenticated', route);
      }
      if (user) s.actor = { service: s.service!, requestId: s.requestId, user };
      s.serviceActor = { service: s.service!, requestId: s.requestId };
      if (deps.afterAdmit) await deps.afterAdmit(req, res, next);
      else next();
    };
  }

  return { identifyService, authorize };
}
