import { Router } from 'express';
import { actorOf, serviceActorOf } from '../http/request-context.ts';
import type { Guard } from '../http/route-kit.ts';
import type { PaymentTokenService } from './payment-token-service.ts';

export function paymentTokenRoutes(tokens: PaymentTokenService, guard: Guard): Router {
  const router = Router();
  router.post('/v1/payment-tokens', guard('payment-tokens:issue', { user: true, idempotency: { store: 'redis', ttlSeconds: tokens.tokenTtlSeconds } }), async (req, res) => {
    res.status(201).json(await tokens.issue(actorOf(res), req.body));
  });
  router.post('/v1/payment-tokens/redeem', guard('payment-tokens:redeem', { user: false, idempotency: 'never' }), async (req, res) => {
    res.json(await tokens.redeem(serviceActorOf(res), req.body));
  });
  return router;
}
