/**
 * Card exports under dual control (PCI DSS 3.6.1.2, split knowledge): an admin (a person: the admin service's call
 * carries that person's user assertion) requests an export of a tenant, or of one user, to a recipient's OpenPGP
 * public key; a *different* admin approves it (or refuses it); only an approved request can be written, once, by
 * the export job (`npm run cards:export`). A request not approved in time expires. Every request, approval,
 * refusal (including a refused approval) and completion is audited.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';
import { actorEvent, type AuditEventInput } from '../audit/audit-event.ts';
import { SqlAuditStore } from '../audit/audit-store.ts';
import { parseInput } from '../errors/parse-input.ts';
import { ClientError } from '../errors/vault-error.ts';
import type { Actor } from '../identity/actor.ts';
import { IDENTIFIER } from '../identity/user-assertion.ts';
import { inTransaction, sqlOn, statement } from '../storage/sql.ts';

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

const requestSchema = z
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

interface Row {
  id: string;
  tenant_id: string;
  user_id: string | null;
  recipient_fingerprint: string;
  requested_by: string;
  approved_by: string | null;
  status: ExportRequestView['status'];
  expires_at: Date;
}

function view(row: Row, now: Date): ExportRequestView {
  const expired = row.status === 'pending' && row.expires_at <= now;
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    recipientFingerprint: row.recipient_fingerprint,
    status: expired ? 'expired' : row.status,
    requestedBy: row.requested_by,
    approvedBy: row.approved_by,
    expiresAt: row.expires_at.toISOString(),
  };
}

const LOCK_REQUEST = statement('export_requests_lock', 'SELECT * FROM export_requests WHERE id = $1 FOR UPDATE');
const DECIDE = statement('export_requests_decide', 'UPDATE export_requests SET status = $2, approved_by = $3, decided_at = $4 WHERE id = $1 RETURNING *');

export class ExportRequestService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly auditChains: number,
    private readonly approvalWindowSeconds: number,
    /** The tenant whose people are admins (their assertions' `tid`); null: nobody may (fail closed). */
    private readonly adminTenant: string | null,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Only the configured admin realm's people: any other assertion the admin service presents is refused (audited). */
  private async needAdmin(actor: Actor, action: string, target: string | null): Promise<void> {
    if (this.adminTenant !== null && actor.user.tenantId === this.adminTenant) return;
    await this.audit({ ...actorEvent(actor, action, target, 'denied'), reason: 'not_an_admin' });
    throw new ClientError('forbidden');
  }

  private audit(event: AuditEventInput): Promise<void> {
    return new SqlAuditStore(sqlOn(this.pool), this.auditChains).append(event);
  }

  async request(actor: Actor, body: unknown): Promise<ExportRequestView> {
    await this.needAdmin(actor, 'export.request', null);
    const input = parseInput(requestSchema, body);
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
    const expiresAt = new Date(this.now().getTime() + this.approvalWindowSeconds * 1000);
    const { rows } = await this.pool.query<Row>(
      `INSERT INTO export_requests (id, tenant_id, user_id, recipient_fingerprint, recipient_key, requested_by, status, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) RETURNING *`,
      [id, input.tenantId, input.userId ?? null, fingerprint, input.recipientPublicKey, adminOf(actor), expiresAt],
    );
    await this.audit({ ...actorEvent(actor, 'export.request', id), reason: `tenant=${input.tenantId} scope=${input.userId ? 'user' : 'tenant'} recipient=${fingerprint}` });
    return view(rows[0]!, this.now());
  }

  /** Approves (a different admin than the requester, before expiry) or refuses a pending request. */
  async decide(actor: Actor, id: string, decision: 'approve' | 'refuse'): Promise<ExportRequestView> {
    if (!EXPORT_ID.test(id)) throw new ClientError('export_not_found');
    const action = decision === 'approve' ? 'export.approve' : 'export.refuse';
    await this.needAdmin(actor, action, id);
    const now = this.now();
    type Refusal = { readonly reason: string; readonly code: 'export_not_found' | 'approver_is_requester' | 'export_expired' | 'export_not_pending' };
    const refusalOf = (row: Row | undefined): Refusal | null => {
      if (!row) return { reason: 'export_not_found', code: 'export_not_found' };
      if (row.status !== 'pending') return { reason: `status=${row.status}`, code: 'export_not_pending' };
      if (row.expires_at <= now) return { reason: 'expired', code: 'export_expired' };
      /* Precondition (split knowledge): the approver is not the requester. */
      if (decision === 'approve' && row.requested_by === adminOf(actor)) return { reason: 'approver_is_requester', code: 'approver_is_requester' };
      return null;
    };
    // Decided under the row's lock; a refusal rolls back and is audited on its own.
    const outcome = await inTransaction(this.pool, async (sql): Promise<Refusal | ExportRequestView> => {
      const [row] = await sql.rows<Row>(LOCK_REQUEST, [id]);
      const refusal = refusalOf(row);
      if (refusal) return refusal;
      const [updated] = await sql.rows<Row>(DECIDE, [id, decision === 'approve' ? 'approved' : 'refused', decision === 'approve' ? adminOf(actor) : null, now]);
      await new SqlAuditStore(sql, this.auditChains).append({ ...actorEvent(actor, action, id), reason: `requested_by=${row!.requested_by}` });
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
    const { rows } = await this.pool.query<Row>('SELECT * FROM export_requests WHERE id = $1', [id]);
    if (!rows[0]) throw new ClientError('export_not_found');
    await this.audit(actorEvent(actor, 'export.read', id));
    return view(rows[0], this.now());
  }
}
