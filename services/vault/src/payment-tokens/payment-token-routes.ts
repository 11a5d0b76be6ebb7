import { Router } from 'express';
import { actorOf, serviceActorOf } from '../http/request-context.ts';
import type { Guard } from '../http/route-kit.ts';
import { OPERATIONS } from '../operations/operation-table.ts';
import type { PaymentTokenService } from './payment-token-service.ts';

export function paymentTokenRoutes(tokens: PaymentTokenService, guard: Guard): Router {
  const router = Router();
  router.post('/v1/payment-tokens', guard(OPERATIONS['payment_tokens.issue']), async (req, res) => {
    res.status(201).json(await tokens.issue(actorOf(res), req.body));
  });
  router.post('/v1/payment-tokens/redeem', guard(OPERATIONS['payment_tokens.redeem']), async (req, res) => {
    // A processor that hung up gets nothing; its token is put back for its retry.
    res.json(await tokens.redeem(serviceActorOf(res), req.body, () => !req.socket.destroyed));
  });
  return router;
}
