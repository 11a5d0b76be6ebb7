import { actorEvent as event } from '../audit/audit-event.ts';
import { auditedDecrypt } from '../audit/audited-decrypt.ts';
import type { Envelope } from '../crypto/envelope.ts';
import { newId } from '../crypto/secret-hash.ts';
import { parseInput } from '../errors/parse-input.ts';
import { ClientError } from '../errors/vault-error.ts';
import { ownerOf, type Actor, type Owner } from '../identity/actor.ts';
import type { AuditedUnitOfWork } from '../audit/audited-unit-of-work.ts';
import type { WriteOutcome } from '../idempotency/write-outcome.ts';
import { isForeignKeyViolation } from '../storage/database-errors.ts';
import {
  billingAddressSchema,
  billingProfilePatchSchema,
  resourceId,
  type BillingAddress,
} from './billing-profile-input.ts';
import type { NewBillingProfile, BillingProfileRepository } from './billing-profile-repository.ts';
import { toBillingProfileView, type BillingProfileRecord, type BillingProfileView } from './billing-profile-record.ts';
import { openAddress, sealAddress } from './billing-profile-secret.ts';
import type { CardRepository } from '../cards/card-repository.ts';
import type { IdempotencyRecordRepository } from '../idempotency/idempotency-record-repository.ts';

/** The repositories these rules read and write (with the audit store, which every service has). */
export interface BillingProfileRepositories {
  readonly billingProfiles: BillingProfileRepository;
  readonly cards: CardRepository;
  readonly idempotency: IdempotencyRecordRepository;
}

const profileId = resourceId('bp_');
const MAX_PATCH_ATTEMPTS = 3;

/** Billing profiles: addresses stored encrypted, visible and changeable only by their owner. */
export class BillingProfileService {
  constructor(
    private readonly uow: AuditedUnitOfWork<BillingProfileRepositories>,
    private readonly envelope: Envelope,
  ) {}

  /** With `outcome`, the profile and its idempotency record commit together. */
  async create(actor: Actor, body: unknown, outcome?: WriteOutcome<BillingProfileView>): Promise<BillingProfileView> {
    const address = parseInput(billingAddressSchema, body);
    const profile = await this.seal(ownerOf(actor), address);
    return this.uow.transaction(async (repos) => {
      const row = await repos.billingProfiles.insert(profile);
      await repos.audit.append(event(actor, 'billing_profile.create', row.id, 'success'));
      return toBillingProfileView(row, address);
    }, outcome);
  }

  async list(actor: Actor): Promise<BillingProfileView[]> {
    const rows = await this.uow.repos.billingProfiles.listOwned(ownerOf(actor));
    const views = await Promise.all(rows.map(async (row) => toBillingProfileView(row, await this.open(actor, row))));
    await this.uow.repos.audit.append(event(actor, 'billing_profile.list', null, 'success'));
    return views;
  }

  async get(actor: Actor, id: string): Promise<BillingProfileView> {
    const row = await this.findOwnedOrDeny(actor, id, 'billing_profile.read');
    const view = toBillingProfileView(row, await this.open(actor, row));
    await this.uow.repos.audit.append(event(actor, 'billing_profile.read', id, 'success'));
    return view;
  }

  async patch(actor: Actor, id: string, body: unknown): Promise<BillingProfileView> {
    const patch = parseInput(billingProfilePatchSchema, body);
    for (let attempt = 1; ; attempt++) {
      const row = await this.findOwnedOrDeny(actor, id, 'billing_profile.update');
      const merged = parseInput(billingAddressSchema, dropNulls({ ...(await this.open(actor, row)), ...patch }));
      const sealed = await sealAddress(this.envelope, row, merged);
      const updated = await this.uow.transaction(async (repos) => {
        const next = await repos.billingProfiles.replaceCiphertext(ownerOf(actor), id, row.version, sealed);
        if (next) await repos.audit.append(event(actor, 'billing_profile.update', id, 'success'));
        return next;
      });
      if (updated) return toBillingProfileView(updated, merged);
      // Someone changed the row between read and write (or it was deleted): read again.
      if (attempt >= MAX_PATCH_ATTEMPTS) throw new ClientError('billing_profile_not_found');
    }
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await this.findOwnedOrDeny(actor, id, 'billing_profile.delete');
    try {
      await this.uow.transaction(async (repos) => {
        /* Precondition: a card's billing address must not vanish under it. */
        if ((await repos.cards.countUsingBillingProfile(id)) > 0) throw new ClientError('billing_profile_in_use');
        if (!(await repos.billingProfiles.deleteOwned(ownerOf(actor), id))) throw new ClientError('billing_profile_not_found');
        await repos.audit.append(event(actor, 'billing_profile.delete', id, 'success'));
      });
    } catch (err) {
      // A card attached between the count and the delete: the foreign key refuses, with the same answer.
      if (isForeignKeyViolation(err)) throw new ClientError('billing_profile_in_use');
      throw err;
    }
  }

  /** The decrypted address of the caller's own profile, for a processor's JWE. */
  async addressOf(actor: Actor, id: string): Promise<BillingAddress> {
    return this.open(actor, await this.findOwnedOrDeny(actor, id, 'billing_profile.decrypt'));
  }

  /** For card creation: an encrypted profile ready to insert, for the owner. */
  seal(owner: Owner, address: BillingAddress): Promise<NewBillingProfile> {
    const id = newId('bp_');
    return sealAddress(this.envelope, { id, ...owner }, address).then((sealed) => ({ id, ...owner, ...sealed }));
  }

  /**
   * The caller's own profile, or 404 `billing_profile_not_found` recorded as a denial. Called outside any
   * transaction, so the denial's audit event is not rolled back with it.
   */
  async findOwnedOrDeny(actor: Actor, id: string, action: string): Promise<BillingProfileRecord> {
    const wellFormed = profileId.safeParse(id).success;
    const row = wellFormed ? await this.uow.repos.billingProfiles.findOwned(ownerOf(actor), id) : null;
    if (!row) {
      // A malformed id is not recorded: it is caller input and could hold anything, a PAN included.
      await this.uow.repos.audit.append({ ...event(actor, action, wellFormed ? id : null, 'denied'), reason: 'billing_profile_not_found' });
      throw new ClientError('billing_profile_not_found');
    }
    return row;
  }

  private open(actor: Actor, row: BillingProfileRecord): Promise<BillingAddress> {
    return auditedDecrypt(this.uow.repos.audit, event(actor, 'billing_profile.decrypt', row.id), () => openAddress(this.envelope, row));
  }
}

function dropNulls(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined));
}
