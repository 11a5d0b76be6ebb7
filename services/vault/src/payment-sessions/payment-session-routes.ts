import { Router, type Request, type Response } from 'express';
import { state } from '../http/request-context.ts';
import { ClientError } from '../errors/vault-error.ts';
import { clientSource } from '../http/client-source.ts';
import type { RefusedSecrets } from '../cards/card-routes.ts';
import { paymentSessionSecret } from './payment-session-input.ts';
import type { PaymentSessionService } from './payment-session-service.ts';

/**
 * Public listener: the pay form reads what it shows and confirms with the security code, holding a payment
 * session secret (`Authorization: PaymentSession <clientSecret>`). A refused secret is counted by the same
 * failed-secret throttle as card-entry secrets. The confirm's body (the code) is never logged, stored or
 * remembered for idempotency: a repeat meets a session that is no longer open.
 */
export function publicPaymentSessionRoutes(sessions: PaymentSessionService, refused: RefusedSecrets): Router {
  const router = Router();
  const counted = async <T>(req: Request, res: Response, run: (secret: string | null) => Promise<T>): Promise<T> => {
    try {
      return await run(paymentSessionSecret(req.get('authorization')));
    } catch (err) {
      if (err instanceof ClientError && err.code === 'unauthenticated') refused.recordFailure(clientSource(req.socket.remoteAddress), state(res).requestId);
      throw err;
    }
  };
  router.get('/v1/payment-sessions/current', async (req, res) => {
    state(res).route = '/v1/payment-sessions/current';
    res.status(200).json(await counted(req, res, (secret) => sessions.current(secret, state(res).requestId)));
  });
  router.post('/v1/payment-sessions/current/confirm', async (req, res) => {
    state(res).route = '/v1/payment-sessions/current/confirm';
    res.status(200).json(await counted(req, res, (secret) => sessions.confirm(secret, req.body, state(res).requestId)));
  });
  return router;
}
