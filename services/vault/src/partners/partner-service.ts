import { z } from 'zod';
import { serviceEvent } from '../audit/audit-event.ts';
import type { AuditedUnitOfWork } from '../audit/audited-unit-of-work.ts';
import { parseInput } from '../errors/parse-input.ts';
import { ClientError } from '../errors/vault-error.ts';
import type { ServiceActor } from '../identity/actor.ts';
import type { PartnerKey } from './partner-key.ts';
import { validatePartnerJwks } from './partner-keys.ts';
import type { PartnerRecord, PartnerRepository } from './partner-repository.ts';

/** The repositories these rules read and write (with the audit store, which every service has). */
export interface PartnerRepositories {
  readonly partners: PartnerRepository;
}

/** An invoice partner's id: what its invoices carry as `iss` (`xero`, `freshbooks`). */
export const PARTNER_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

export const putPartnerSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    enabled: z.boolean(),
    jwks: z.object({ keys: z.array(z.unknown()) }).strict(),
  })
  .strict();

export interface PartnerView {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly jwks: { readonly keys: ReadonlyArray<PartnerKey['jwk']> };
  readonly updatedAt: string;
}

function toView(p: PartnerRecord): PartnerView {
  return { id: p.id, name: p.name, enabled: p.enabled, jwks: { keys: p.keys.map((k) => k.jwk) }, updatedAt: p.updatedAt.toISOString() };
}

/**
 * The registry of invoice partners (Xero, FreshBooks…) and the public keys their signed invoices are verified
 * with. Any registered key verifies (chosen by the invoice's `kid`), so a partner rotates by adding its new key,
 * signing with it, and dropping the old one later.
 */
export class PartnerService {
  constructor(
    private readonly uow: AuditedUnitOfWork<PartnerRepositories>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async put(actor: ServiceActor, id: string, body: unknown): Promise<PartnerView> {
    if (!PARTNER_ID.test(id)) throw new ClientError('invalid_request', [{ path: 'id', code: 'invalid_partner_id' }]);
    const input = parseInput(putPartnerSchema, body);
    const previous = await this.uow.repos.partners.find(id);
    const keys = await validatePartnerJwks(input.jwks, previous?.keys ?? [], this.now());
    // No revocation here, unlike a processor's PUT: no payment token carries a partner's invoice yet, so disabling a
    // partner or dropping one of its keys only stops new invoices from verifying. Once tokens are bound to signed
    // invoices (issue 23, payment sessions), either must also end the outstanding tokens and sessions it vouched for.
    const saved = await this.uow.transaction(async (repos) => {
      const row = await repos.partners.upsert({ id, name: input.name, enabled: input.enabled, keys });
      await repos.audit.append(serviceEvent(actor, previous ? 'partner.update' : 'partner.register', id));
      return row;
    });
    return toView(saved);
  }

  async list(actor: ServiceActor): Promise<PartnerView[]> {
    const rows = await this.uow.repos.partners.list();
    await this.uow.repos.audit.append(serviceEvent(actor, 'partner.list', null));
    return rows.map(toView);
  }
}
