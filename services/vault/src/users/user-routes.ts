import { Router } from 'express';
import { serviceActorOf } from '../http/request-context.ts';
import { param, type Guard } from '../http/route-kit.ts';
import { OPERATIONS } from '../operations/operation-table.ts';
import type { UserErasureService } from './user-erasure-service.ts';

/** An admin erases one user's data (GDPR art. 17): `DELETE /v1/tenants/:tid/users/:uid` → the counts removed. */
export function userRoutes(erasure: UserErasureService, guard: Guard): Router {
  const router = Router();
  router.delete('/v1/tenants/:tid/users/:uid', guard(OPERATIONS['users.erase']), async (req, res) => {
    res.json(await erasure.erase(serviceActorOf(res), param(req, 'tid'), param(req, 'uid')));
  });
  return router;
}
