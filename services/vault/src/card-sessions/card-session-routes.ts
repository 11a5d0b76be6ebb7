import { Router } from 'express';
import { actorOf } from '../http/request-context.ts';
import type { Guard } from '../http/route-kit.ts';
import { OPERATIONS } from '../operations/operation-table.ts';
import { writeOutcomeOf } from '../http/idempotency.ts';
import type { CardSessionService } from './card-session-service.ts';

export function cardSessionRoutes(sessions: CardSessionService, guard: Guard): Router {
  const router = Router();
  router.post('/v1/card-sessions', guard(OPERATIONS['card_sessions.create']), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json(await sessions.create(actorOf(res), req.body, writeOutcomeOf(res, 201)));
  });
  return router;
}
