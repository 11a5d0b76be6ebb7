import { Router } from 'express';
import { actorOf } from '../http/request-context.ts';
import { param, type Guard } from '../http/route-kit.ts';
import { writeOutcomeOf } from '../http/idempotency.ts';
import { IDEMPOTENCY_TTL_SECONDS } from '../idempotency/idempotency-store.ts';
import type { BillingProfileService } from './billing-profile-service.ts';

export function billingProfileRoutes(profiles: BillingProfileService, guard: Guard): Router {
  const router = Router();
  router.post('/v1/billing-profiles', guard('billing-profiles:write', { user: true, idempotency: { store: 'database', ttlSeconds: IDEMPOTENCY_TTL_SECONDS } }), async (req, res) => {
    res.status(201).json(await profiles.create(actorOf(res), req.body, writeOutcomeOf(res, 201)));
  });
  router.get('/v1/billing-profiles', guard('billing-profiles:read', { user: true }), async (_req, res) => {
    res.json({ data: await profiles.list(actorOf(res)) });
  });
  router.get('/v1/billing-profiles/:id', guard('billing-profiles:read', { user: true }), async (req, res) => {
    res.json(await profiles.get(actorOf(res), param(req, 'id')));
  });
  router.patch('/v1/billing-profiles/:id', guard('billing-profiles:write', { user: true }), async (req, res) => {
    res.json(await profiles.patch(actorOf(res), param(req, 'id'), req.body));
  });
  router.delete('/v1/billing-profiles/:id', guard('billing-profiles:write', { user: true }), async (req, res) => {
    await profiles.delete(actorOf(res), param(req, 'id'));
    res.status(204).end();
  });
  return router;
}
