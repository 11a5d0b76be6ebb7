import type { UserContext } from './user-assertion.ts';

/** Who is acting in a service call: the calling service, the user it acts for, and the request's id. */
export interface Actor {
  readonly service: string;
  readonly requestId: string;
  readonly user: UserContext;
}
