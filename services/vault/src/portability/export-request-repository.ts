import { statement, type Sql } from '../storage/sql.ts';

export type ExportRequestStatus = 'pending' | 'approved' | 'refused' | 'exporting' | 'completed';

/** One card export request (export-requests.ts) as stored. */
export interface ExportRequestRecord {
  readonly id: string;
  readonly tenantId: string;
  /** One user's cards only; null: the whole tenant. */
  readonly userId: string | null;
  readonly recipientFingerprint: string;
  /** The recipient's armored OpenPGP public key, as requested. */
  readonly recipientKey: string;
  readonly requestedBy: string;
  readonly approvedBy: string | null;
  readonly status: ExportRequestStatus;
  /** Until when a pending request may be approved. */
  readonly expiresAt: Date;
  readonly decidedAt: Date | null;
}

export type NewExportRequest = Pick<ExportRequestRecord, 'id' | 'tenantId' | 'userId' | 'recipientFingerprint' | 'recipientKey' | 'requestedBy' | 'expiresAt'>;

/** The only code that reads or writes the `export_requests` table. */
export interface ExportRequestRepository {
  /** Records a new request, pending. */
  insert(request: NewExportRequest): Promise<ExportRequestRecord>;
  find(id: string): Promise<ExportRequestRecord | null>;
  /** The request, its row locked until the transaction ends (run inside one): decisions on it wait for each other. */
  findForDecision(id: string): Promise<ExportRequestRecord | null>;
  /** Records an approval (`approvedBy`: the approver) or a refusal (`approvedBy`: null). */
  decide(id: string, decision: { readonly status: 'approved' | 'refused'; readonly approvedBy: string | null; readonly decidedAt: Date }): Promise<ExportRequestRecord | null>;
  /**
   * The export job's claim (status `exporting`) of a request approved by a second person within the last
   * `approvalSeconds`, or already `exporting` (a job that died mid-file); null when the request is not such.
   */
  claimForExport(id: string, approvalSeconds: number): Promise<ExportRequestRecord | null>;
  /** A failed job's request goes back to `approved` (it may be run again). */
  releaseClaim(id: string): Promise<void>;
  /** Written: never again. */
  complete(id: string): Promise<void>;
}

const COLUMNS = `"id", "tenant_id" AS "tenantId", "user_id" AS "userId", "recipient_fingerprint" AS "recipientFingerprint",
  "recipient_key" AS "recipientKey", "requested_by" AS "requestedBy", "approved_by" AS "approvedBy", "status",
  "expires_at" AS "expiresAt", "decided_at" AS "decidedAt"`;
const INSERT = statement(
  'export_requests_insert',
  `INSERT INTO "export_requests" ("id", "tenant_id", "user_id", "recipient_fingerprint", "recipient_key", "requested_by", "status", "expires_at")
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
);
const FIND = statement('export_requests_find', `SELECT ${COLUMNS} FROM "export_requests" WHERE "id" = $1`);
const FIND_FOR_DECISION = statement('export_requests_find_for_decision', `SELECT ${COLUMNS} FROM "export_requests" WHERE "id" = $1 FOR UPDATE`);
const DECIDE = statement(
  'export_requests_decide',
  `UPDATE "export_requests" SET "status" = $2, "approved_by" = $3, "decided_at" = $4 WHERE "id" = $1 RETURNING ${COLUMNS}`,
);
// Precondition (split knowledge), checked again where the file is written: approved by someone else than the requester.
const CLAIM = statement(
  'export_requests_claim',
  `UPDATE "export_requests" SET "status" = 'exporting'
    WHERE "id" = $1 AND "status" IN ('approved', 'exporting') AND "approved_by" IS NOT NULL AND "approved_by" <> "requested_by"
      AND "decided_at" > now() - make_interval(secs => $2)
    RETURNING ${COLUMNS}`,
);
const RELEASE = statement('export_requests_release', `UPDATE "export_requests" SET "status" = 'approved' WHERE "id" = $1 AND "status" = 'exporting'`);
const COMPLETE = statement('export_requests_complete', `UPDATE "export_requests" SET "status" = 'completed', "completed_at" = now() WHERE "id" = $1`);

export class SqlExportRequestRepository implements ExportRequestRepository {
  constructor(private readonly sql: Sql) {}

  async insert(r: NewExportRequest): Promise<ExportRequestRecord> {
    // The status is a parameter, not a literal: the statement may carry the request's audit event (`audited`).
    const [row] = await this.sql.rows<ExportRequestRecord>(INSERT, [r.id, r.tenantId, r.userId, r.recipientFingerprint, r.recipientKey, r.requestedBy, 'pending', r.expiresAt]);
    return row!;
  }

  async find(id: string): Promise<ExportRequestRecord | null> {
    return (await this.sql.rows<ExportRequestRecord>(FIND, [id]))[0] ?? null;
  }

  async findForDecision(id: string): Promise<ExportRequestRecord | null> {
    return (await this.sql.rows<ExportRequestRecord>(FIND_FOR_DECISION, [id]))[0] ?? null;
  }

  async decide(id: string, d: { readonly status: 'approved' | 'refused'; readonly approvedBy: string | null; readonly decidedAt: Date }): Promise<ExportRequestRecord | null> {
    return (await this.sql.rows<ExportRequestRecord>(DECIDE, [id, d.status, d.approvedBy, d.decidedAt]))[0] ?? null;
  }

  async claimForExport(id: string, approvalSeconds: number): Promise<ExportRequestRecord | null> {
    return (await this.sql.rows<ExportRequestRecord>(CLAIM, [id, approvalSeconds]))[0] ?? null;
  }

  async releaseClaim(id: string): Promise<void> {
    await this.sql.count(RELEASE, [id]);
  }

  async complete(id: string): Promise<void> {
    await this.sql.count(COMPLETE, [id]);
  }
}
