import type { UserContext } from './user-assertion.ts';

/** A calling service acting on its own behalf (admin tooling, a processor). */
export interface ServiceActor {
  readonly service: string;
  readonly requestId: string;
}

/** Who is acting in a service call: the calling service, the user it acts for, and the request's id. */
export interface Actor extends ServiceActor {
  readonly user: UserContext;
}

/** Whose data a record is: every owned row is read and written scoped to one of these. */
export interface Owner {
  readonly tenantId: string;
  readonly userId: string;
}

/** The owner a user's call acts on: the user of the assertion, in its tenant. */
export function ownerOf(actor: Actor): Owner {
  return { tenantId: actor.user.tenantId, userId: actor.user.userId };
}
