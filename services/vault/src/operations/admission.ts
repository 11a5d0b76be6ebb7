import type { AuditStore } from '../audit/audit-store.ts';
import { ClientError } from '../errors/vault-error.ts';
import type { Actor, ServiceActor } from '../identity/actor.ts';
import { scopesOf, type ServiceScopes } from '../identity/scopes.ts';
import type { UserAssertionVerifier } from '../identity/user-assertion.ts';
import type { OperationPolicy } from './operation.ts';

/** A call as any transport sees it, before it is admitted. */
export interface Caller {
  /** The service named by the verified client certificate; null when it names none of this trust domain. */
  readonly service: string | null;
  /** The user assertion as sent (`Bearer …`), if any. */
  readonly authorization: string | undefined;
  readonly requestId: string;
}

/** An admitted call: the calling service, and the user when the operation acts for one. */
export interface Admitted {
  readonly serviceActor: ServiceActor;
  readonly actor?: Actor;
}

export interface AdmissionDeps {
  readonly serviceScopes: ServiceScopes;
  readonly verifier: UserAssertionVerifier;
  readonly audit: AuditStore;
}

/**
 * Admits a caller to an operation, for every transport alike: the calling service must hold the operation's
 * scope, and a user operation needs a valid user assertion bound to that service. Every refusal is audited
 * (`request.denied`, the operation's name, `forbidden` or `unauthenticated`) and thrown as a ClientError.
 */
export class Admission {
  constructor(private readonly deps: AdmissionDeps) {}

  async admit(operation: OperationPolicy, caller: Caller): Promise<Admitted> {
    const service = caller.service;
    if (!service || !scopesOf(service, this.deps.serviceScopes).includes(operation.scope)) return this.deny(operation, caller, 'forbidden');
    const serviceActor: ServiceActor = { service, requestId: caller.requestId };
    if (!operation.user) return { serviceActor };
    let user;
    try {
      user = await this.deps.verifier.verify(caller.authorization, service);
    } catch {
      return this.deny(operation, caller, 'unauthenticated');
    }
    return { serviceActor, actor: { ...serviceActor, user } };
  }

  private async deny(operation: OperationPolicy, caller: Caller, code: 'forbidden' | 'unauthenticated'): Promise<never> {
    await this.deps.audit.append({
      action: 'request.denied',
      outcome: 'denied',
      actorService: caller.service ?? 'unknown',
      requestId: caller.requestId,
      target: operation.name,
      reason: code,
    });
    throw new ClientError(code);
  }
}
