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
