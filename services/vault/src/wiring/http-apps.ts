import express, { type Express } from 'express';
import helmet from 'helmet';
import { publicCardRoutes } from '../cards/card-routes.ts';
import { operationRoutes } from '../http/operation-routes.ts';
import { OPERATIONS } from './operation-table.ts';
import { openApiRoute } from '../http/openapi-route.ts';
import type { VaultServices } from './vault-services.ts';
import type { Logger } from '../observability/logger.ts';
import type { VaultMetrics } from '../observability/metrics.ts';
import type { ReadinessReport } from '../observability/readiness.ts';
import { authorizer, type AuthorizeDeps } from '../http/authorize.ts';
import { jsonBody } from '../http/json-body.ts';
import { errorHandler, notFound } from '../http/problem.ts';
import { probeRoutes } from '../http/probe-routes.ts';
import { requestContext, state } from '../http/request-context.ts';
import { cardFormRoutes } from '../card-form/card-form-routes.ts';
import { idempotency } from '../http/idempotency.ts';
import type { IdempotentCalls } from '../operations/idempotent-calls.ts';
import type { FailedSecretThrottle } from '../http/failed-secret-throttle.ts';
import { cardSessionSecret } from '../cards/card-routes.ts';
import { requestLog } from '../http/request-log.ts';
import { publicPaymentSessionRoutes } from '../payment-sessions/payment-session-routes.ts';
import { payFormRoutes } from '../pay-form/pay-form-routes.ts';

export interface AppDeps {
  readonly services: VaultServices;
  readonly idempotency: IdempotentCalls;
  /** Throttles and aggregates refused card-session secrets on the public listener. */
  readonly failedSecrets: FailedSecretThrottle;
  readonly cardFormOrigins: readonly string[];
  readonly auth: AuthorizeDeps;
  readonly logger: Logger;
  readonly metrics: VaultMetrics;
  readonly ready: () => Promise<ReadinessReport>;
}

function base(listener: 'internal' | 'public', deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(requestContext(listener));
  app.use(requestLog(deps.logger, deps.metrics));
  app.use(helmet());
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  return app;
}

function finish(app: Express, deps: AppDeps): Express {
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}

/** The internal listener's app: mTLS-identified services, scoped routes, user assertions. */
export function buildInternalApp(deps: AppDeps): Express {
  const app = base('internal', deps);
  const { identifyService, authorize } = authorizer({
    ...deps.auth,
    afterAdmit: idempotency(deps.idempotency, (_req, res) => {
      const s = state(res);
      return s.operation && s.serviceActor ? deps.idempotency.scopeOf(s.operation, { serviceActor: s.serviceActor, ...(s.actor ? { actor: s.actor } : {}) }) : null;
    }),
  });
  app.use(probeRoutes(deps.ready, deps.metrics));
  app.use(identifyService);
  app.use(jsonBody());
  app.get('/v1/openapi.json', openApiRoute(Object.values(OPERATIONS)));
  app.use(operationRoutes(Object.values(OPERATIONS), deps.services, authorize));
  return finish(app, deps);
}

/** The public listener's app: only the hosted card form's and the pay form's routes answer. */
export function buildPublicApp(deps: AppDeps): Express {
  const app = base('public', deps);
  app.use(deps.failedSecrets.gate);
  app.use(jsonBody());
  app.use(
    idempotency(deps.idempotency, async (req) => {
      // Only a caller holding a real, unexpired session secret gets a record, and only for the session's life.
      const secret = cardSessionSecret(req.get('authorization'));
      const session = secret ? await deps.services.cardSessions.scopeOf(secret) : null;
      if (!session) return null;
      const ttlSeconds = Math.ceil((session.expiresAt.getTime() - Date.now()) / 1000);
      return ttlSeconds > 0 ? { scope: `card-session|${session.id}`, ttlSeconds, store: 'database' } : null;
    }),
  );
  app.use(publicCardRoutes(deps.services.cards, deps.failedSecrets));
  app.use(publicPaymentSessionRoutes(deps.services.paymentSessions, deps.failedSecrets));
  app.use(cardFormRoutes(deps.cardFormOrigins));
  app.use(payFormRoutes(deps.cardFormOrigins));
  return finish(app, deps);
}

/** Plain HTTP on loopback, for orchestrator probes and scraping: nothing but the probe routes. */
export function buildProbeApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(probeRoutes(deps.ready, deps.metrics));
  app.use((_req, res) => {
    res.status(404).end();
  });
  return app;
}
