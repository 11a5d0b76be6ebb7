/**
 * Card exports under dual control (PCI DSS 3.6.1.2, split knowledge): an admin (a person: the admin service's call
 * carries that person's user assertion) requests an export of a tenant, or of one user, to a recipient's OpenPGP
 * public key; a *different* admin approves it (or refuses it); only an approved request can be written, once, by
 * the export job (`npm run cards:export`). A request not approved in time expires. Every request, approval,
 * refusal (including a refused approval) and completion is audited.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { actorEvent, type AuditEventInput } from '../audit/audit-event.ts';
import type { AuditedUnitOfWork } from '../audit/audited-unit-of-work.ts';
import { parseInput } from '../errors/parse-input.ts';
import { ClientError } from '../errors/vault-error.ts';
import type { Actor } from '../identity/actor.ts';
import { IDENTIFIER } from '../identity/user-assertion.ts';
import type { ExportRequestRecord, ExportRequestRepository } from './export-request-repository.ts';

export interface ExportRequestView {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string | null;
  readonly recipientFingerprint: string;
  readonly status: 'pending' | 'approved' | 'refused' | 'exporting' | 'completed' | 'expired';
  readonly requestedBy: string;
  readonly approvedBy: string | null;
  readonly expiresAt: string;
}

/** The repositories these rules read and write (with the audit store, which every service has). */
export interface ExportRequestRepositories {
  readonly exportRequests: ExportRequestRepository;
}

/** Who may decide, and for how long: from the configuration (VAULT_EXPORT_APPROVAL_SECONDS, the admin tenant). */
export interface ExportPolicy {
  readonly approvalSeconds: number;
  /** The tenant whose people are admins (their assertions' `tid`); null: nobody may (fail closed). */
  readonly adminTenant: string | null;
}

export const exportRequestSchema = z
  .object({
    tenantId: z.string().regex(IDENTIFIER),
    userId: z.string().regex(IDENTIFIER).optional(),
    recipientPublicKey: z.string().min(100).max(20_000),
  })
  .strict();

const EXPORT_ID = /^exp_[A-Za-z0-9_-]{16}$/;

/**
 * Who an admin is, as the two-person rule compares them: the person (`sub`) of the assertion — within the one admin
 * tenant every export operation requires.
 */
const adminOf = (actor: Actor) => actor.user.userId;

function view(row: ExportRequestRecord, now: Date): ExportRequestView {
  const expired = row.status === 'pending' && row.expiresAt <= now;
  return {
    id: row.id,
    tenantId: row.tenantId,
    userId: row.userId,
    recipientFingerprint: row.recipientFingerprint,
    status: expired ? 'expired' : row.status,
    requestedBy: row.requestedBy,
    approvedBy: row.approvedBy,
    expiresAt: row.expiresAt.toISOString(),
  };
}

export class ExportRequestService {
  constructor(
    private readonly uow: AuditedUnitOfWork<ExportRequestRepositories>,
    private readonly policy: ExportPolicy,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Only the configured admin realm's people: any other assertion the admin service presents is refused (audited). */
  private async needAdmin(actor: Actor, action: string, target: string | null): Promise<void> {
    if (this.policy.adminTenant !== null && actor.user.tenantId === this.policy.adminTenant) return;
    await this.audit({ ...actorEvent(actor, action, target, 'denied'), reason: 'not_an_admin' });
    throw new ClientError('forbidden');
  }

  /** An event on its own, outside any transaction (a denial survives the refusal it records). */
  private audit(event: AuditEventInput): Promise<void> {
    return this.uow.repos.audit.append(event);
  }

  async request(actor: Actor, body: unknown): Promise<ExportRequestView> {
    await this.needAdmin(actor, 'export.request', null);
    const input = parseInput(exportRequestSchema, body);
    let fingerprint: string;
    try {
      // Loaded on first use: OpenPGP.js is ~2.4 MB of source the vault's heap need not carry (and mark) otherwise.
      const openpgp = await import('openpgp');
      const key = await openpgp.readKey({ armoredKey: input.recipientPublicKey });
      if (key.isPrivate()) throw new Error('private');
      await key.getEncryptionKey(); // throws when the key cannot encrypt (expired, revoked, signing only)
      fingerprint = key.getFingerprint();
    } catch {
      throw new ClientError('invalid_request', [{ path: 'recipientPublicKey', code: 'recipient_key_invalid' }]);
    }
    const id = `exp_${randomBytes(12).toString('base64url')}`;
    const expiresAt = new Date(this.now().getTime() + this.policy.approvalSeconds * 1000);
    const requested = { ...actorEvent(actor, 'export.request', id), reason: `tenant=${input.tenantId} scope=${input.userId ? 'user' : 'tenant'} recipient=${fingerprint}` };
    // The request and its audit event are written together.
    const row = await this.uow.audited([requested], (repos) =>
      repos.exportRequests.insert({ id, tenantId: input.tenantId, userId: input.userId ?? null, recipientFingerprint: fingerprint, recipientKey: input.recipientPublicKey, requestedBy: adminOf(actor), expiresAt }),
    );
    return view(row, this.now());
  }

  /** Approves (a different admin than the requester, before expiry) or refuses a pending request. */
  async decide(actor: Actor, id: string, decision: 'approve' | 'refuse'): Promise<ExportRequestView> {
    if (!EXPORT_ID.test(id)) throw new ClientError('export_not_found');
    const action = decision === 'approve' ? 'export.approve' : 'export.refuse';
    await this.needAdmin(actor, action, id);
    const now = this.now();
    type Refusal = { readonly reason: string; readonly code: 'export_not_found' | 'approver_is_requester' | 'export_expired' | 'export_not_pending' };
    const refusalOf = (row: ExportRequestRecord | null): Refusal | null => {
      if (!row) return { reason: 'export_not_found', code: 'export_not_found' };
      if (row.status !== 'pending') return { reason: `status=${row.status}`, code: 'export_not_pending' };
      if (row.expiresAt <= now) return { reason: 'expired', code: 'export_expired' };
      /* Precondition (split knowledge): the approver is not the requester. */
      if (decision === 'approve' && row.requestedBy === adminOf(actor)) return { reason: 'approver_is_requester', code: 'approver_is_requester' };
      return null;
    };
    // Decided under the row's lock (two decisions on one request wait for each other); a refusal writes nothing
    // there and is audited on its own.
    const outcome = await this.uow.transaction(async (repos): Promise<Refusal | ExportRequestView> => {
      const row = await repos.exportRequests.findForDecision(id);
      const refusal = refusalOf(row);
      if (refusal) return refusal;
      const approved = decision === 'approve';
      const updated = await repos.exportRequests.decide(id, { status: approved ? 'approved' : 'refused', approvedBy: approved ? adminOf(actor) : null, decidedAt: now });
      await repos.audit.append({ ...actorEvent(actor, action, id), reason: `requested_by=${row!.requestedBy}` });
      return view(updated!, now);
    });
    if ('code' in outcome) {
      await this.audit({ ...actorEvent(actor, action, id, 'denied'), reason: outcome.reason });
      throw new ClientError(outcome.code);
    }
    return outcome;
  }

  async get(actor: Actor, id: string): Promise<ExportRequestView> {
    if (!EXPORT_ID.test(id)) throw new ClientError('export_not_found');
    await this.needAdmin(actor, 'export.read', id);
    const row = await this.uow.repos.exportRequests.find(id);
    if (!row) throw new ClientError('export_not_found');
    await this.audit(actorEvent(actor, 'export.read', id));
    return view(row, this.now());
  }
}
