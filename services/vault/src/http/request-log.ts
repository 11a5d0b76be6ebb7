import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../observability/logger.ts';
import type { VaultMetrics } from '../observability/metrics.ts';
import { state } from './request-context.ts';

/**
 * One log line and one metrics sample per request: method, route pattern, status, duration, service, request
 * id. Never the path (an unmatched path is caller input), the query string, headers or body.
 */
export function requestLog(logger: Logger, metrics: VaultMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const s = state(res);
      const route = s.route ?? (req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched');
      metrics.requests.inc({ listener: s.listener, method: req.method, route, status: String(res.statusCode) });
      metrics.latency.observe({ listener: s.listener, method: req.method, route }, seconds);
      logger.info(
        {
          requestId: s.requestId,
          listener: s.listener,
          caller: s.service ?? undefined,
          method: req.method,
          route,
          status: res.statusCode,
          ms: Math.round(seconds * 10_000) / 10,
        },
        'request',
      );
    });
    next();
  };
}
