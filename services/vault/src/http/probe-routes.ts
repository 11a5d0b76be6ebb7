import { Router } from 'express';
import type { ReadinessReport } from '../observability/readiness.ts';
import type { VaultMetrics } from '../observability/metrics.ts';

/** `/healthz` (the process answers), `/readyz` (dependencies answer), `/metrics` (Prometheus text). */
export function probeRoutes(ready: () => Promise<ReadinessReport>, metrics: VaultMetrics): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const report = await ready();
    res.status(report.ready ? 200 : 503).json(report);
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
