import { BillingProfileService } from './billing-profiles/billing-profile-service.ts';
import { CardSessionService } from './card-sessions/card-session-service.ts';
import { CardService } from './cards/card-service.ts';
import type { Envelope } from './crypto/envelope.ts';
import type { Fingerprinter } from './crypto/fingerprint.ts';
import type { VaultUnitOfWork } from './storage/repositories.ts';

/** The one service layer that the HTTP (and, later, gRPC) front ends sit on. */
export interface VaultServices {
  readonly cards: CardService;
  readonly billingProfiles: BillingProfileService;
  readonly cardSessions: CardSessionService;
}

export interface ServiceDeps {
  readonly uow: VaultUnitOfWork;
  readonly envelope: Envelope;
  readonly fingerprinter: Fingerprinter;
  readonly cardSessions: { readonly ttlSeconds: number; readonly publicBaseUrl: string };
  readonly now?: () => Date;
}

export function buildServices(deps: ServiceDeps): VaultServices {
  const now = deps.now ?? (() => new Date());
  const billingProfiles = new BillingProfileService(deps.uow, deps.envelope);
  return {
    billingProfiles,
    cards: new CardService({ uow: deps.uow, envelope: deps.envelope, fingerprinter: deps.fingerprinter, billingProfiles, now }),
    cardSessions: new CardSessionService(deps.uow, billingProfiles, deps.cardSessions, now),
  };
}
