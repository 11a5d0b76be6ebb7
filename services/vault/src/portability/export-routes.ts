import { Router } from 'express';
import { actorOf } from '../http/request-context.ts';
import { param, type Guard } from '../http/route-kit.ts';
import { OPERATIONS } from '../operations/operation-table.ts';
import type { ExportRequestService } from './export-requests.ts';

/** Card export requests under dual control, for admins acting as themselves (their user assertion). */
export function exportRoutes(exports: ExportRequestService, guard: Guard): Router {
  const router = Router();
  router.post('/v1/exports', guard(OPERATIONS['exports.request']), async (req, res) => {
    res.status(201).json(await exports.request(actorOf(res), req.body));
  });
  router.get('/v1/exports/:id', guard(OPERATIONS['exports.get']), async (req, res) => {
    res.json(await exports.get(actorOf(res), param(req, 'id')));
  });
  router.post('/v1/exports/:id/approve', guard(OPERATIONS['exports.approve']), async (req, res) => {
    res.json(await exports.decide(actorOf(res), param(req, 'id'), 'approve'));
  });
  router.post('/v1/exports/:id/refuse', guard(OPERATIONS['exports.refuse']), async (req, res) => {
    res.json(await exports.decide(actorOf(res), param(req, 'id'), 'refuse'));
  });
  return router;
}
