import { Router } from 'express';
import { state } from '../http/request-context.ts';
import type { CardService } from './card-service.ts';
import { ClientError } from '../errors/vault-error.ts';
import { clientSource } from '../http/client-source.ts';
import type { CardView } from './card-record.ts';
import { writeOutcomeOf } from '../http/idempotency.ts';

/** The secret of `Authorization: CardSession <clientSecret>`, or null. */
export function cardSessionSecret(authorization: string | undefined): string | null {
  return /^CardSession ([A-Za-z0-9_-]{16,200})$/.exec(authorization ?? '')?.[1] ?? null;
}

/** Where a refused card-session secret is counted (the public listener's throttle). */
export interface RefusedSecrets {
  recordFailure(source: string, requestId: string): void;
}

/** Public listener: the hosted form adds one card with a card-entry session secret. */
export function publicCardRoutes(cards: CardService, refused: RefusedSecrets): Router {
  const router = Router();
  router.post('/v1/cards', async (req, res) => {
    state(res).route = '/v1/cards';
    const outcome = writeOutcomeOf<CardView>(res, (card) => (card.duplicate ? 200 : 201));
    let card: CardView;
    try {
      card = await cards.createFromSession(cardSessionSecret(req.get('authorization')), req.body, state(res).requestId, outcome);
    } catch (err) {
      // Counted where it is decided, whether or not the caller is still there to read the 401.
      if (err instanceof ClientError && err.code === 'unauthenticated') refused.recordFailure(clientSource(req.socket.remoteAddress), state(res).requestId);
      throw err;
    }
    res.status(card.duplicate ? 200 : 201).json(card);
  });
  return router;
}
