import { Router } from 'express';
import { actorOf } from '../http/request-context.ts';
import { param, type Guard } from '../http/route-kit.ts';
import { writeOutcomeOf } from '../http/idempotency.ts';
import { OPERATIONS } from '../operations/operation-table.ts';
import type { BillingProfileService } from './billing-profile-service.ts';

export function billingProfileRoutes(profiles: BillingProfileService, guard: Guard): Router {
  const router = Router();
  router.post('/v1/billing-profiles', guard(OPERATIONS['billing_profiles.create']), async (req, res) => {
    res.status(201).json(await profiles.create(actorOf(res), req.body, writeOutcomeOf(res, 201)));
  });
  router.get('/v1/billing-profiles', guard(OPERATIONS['billing_profiles.list']), async (_req, res) => {
    res.json({ data: await profiles.list(actorOf(res)) });
  });
  router.get('/v1/billing-profiles/:id', guard(OPERATIONS['billing_profiles.get']), async (req, res) => {
    res.json(await profiles.get(actorOf(res), param(req, 'id')));
  });
  router.patch('/v1/billing-profiles/:id', guard(OPERATIONS['billing_profiles.update']), async (req, res) => {
    res.json(await profiles.patch(actorOf(res), param(req, 'id'), req.body));
  });
  router.delete('/v1/billing-profiles/:id', guard(OPERATIONS['billing_profiles.delete']), async (req, res) => {
    await profiles.delete(actorOf(res), param(req, 'id'));
    res.status(204).end();
  });
  return router;
}
