import { Router } from 'express';
import { serviceActorOf } from '../http/request-context.ts';
import { param, type Guard } from '../http/route-kit.ts';
import { OPERATIONS } from '../operations/operation-table.ts';
import type { ProcessorService } from './processor-service.ts';

export function processorRoutes(processors: ProcessorService, guard: Guard): Router {
  const router = Router();
  router.put('/v1/processors/:id', guard(OPERATIONS['processors.put']), async (req, res) => {
    res.json(await processors.put(serviceActorOf(res), param(req, 'id'), req.body));
  });
  router.get('/v1/processors', guard(OPERATIONS['processors.list']), async (_req, res) => {
    res.json({ data: await processors.list(serviceActorOf(res)) });
  });
  return router;
}
