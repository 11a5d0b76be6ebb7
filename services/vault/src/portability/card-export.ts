/**
 * The export job (`npm run cards:export -- --id <exp_…> --out <file>`): writes the cards of an *approved* export
 * request (export-requests.ts), once, as the portable CSV format (card-rows.ts) encrypted as a stream to the
 * recipient's OpenPGP key — the plaintext exists only in this process's memory, a page at a time, never on disk.
 * One job at a time per request (an advisory lock for the job's whole life): a job killed mid-write leaves the
 * request `exporting`, and the next job may take it over; every card read is audited (`card.decrypt`, reason
 * `export=<id>`) and the completion with its count (`export.complete`). A job that fails puts the request back to
 * approved (its partial file removed) so it can be run again; a completed request is never written again.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as openpgp from 'openpgp';
import type pg from 'pg';
import type { AuditEventInput } from '../audit/audit-event.ts';
import { SqlAuditStore } from '../audit/audit-store.ts';
import { openAddress } from '../billing-profiles/billing-profile-secret.ts';
import { openPan } from '../cards/card-secret.ts';
import type { Envelope } from '../crypto/envelope.ts';
import { sqlOn } from '../storage/sql.ts';
import { PORTABLE_COLUMNS } from './card-rows.ts';

export class ExportRefused extends Error {
  override readonly name = 'ExportRefused';
}

const PAGE = 500;
const ACTOR = 'card-export';
const cell = (v: string | number | null | undefined) => {
  const text = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

interface CardRow {
  id: string;
  tenant_id: string;
  user_id: string;
  exp_month: number;
  exp_year: number;
  cardholder_name: string;
  ciphertext: Buffer;
  billing_profile_id: string | null;
  bp_ciphertext: Buffer | null;
}

export async function exportCards(
  deps: { readonly pool: pg.Pool; readonly envelope: Envelope; readonly auditChains: number; readonly approvalSeconds: number },
  id: string,
  outFile: string,
): Promise<{ cards: number; recipientFingerprint: string }> {
  // One writer per request: a session-level advisory lock held until this job ends. A request left `exporting` by a
  // writer that died (its session, and so its lock, gone) may be claimed again; one whose writer is alive may not.
  const lock = await deps.pool.connect();
  try {
    const { rows: [held] } = await lock.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended('card-export|' || $1, 0)) AS ok`, [id]);
    if (!held!.ok) throw new ExportRefused('another job is writing this export');
    return await writeExport(deps, id, outFile);
  } finally {
    lock.release(true); // ends the session: the lock goes with it
  }
}

async function writeExport(
  deps: { readonly pool: pg.Pool; readonly envelope: Envelope; readonly auditChains: number; readonly approvalSeconds: number },
  id: string,
  outFile: string,
): Promise<{ cards: number; recipientFingerprint: string }> {
  // Written only for a request approved by a second person, within the approval window of its approval.
  const claimed = await deps.pool.query<{ tenant_id: string; user_id: string | null; recipient_key: string; recipient_fingerprint: string }>(
    `UPDATE export_requests SET status = 'exporting'
      WHERE id = $1 AND status IN ('approved', 'exporting') AND approved_by IS NOT NULL AND approved_by <> requested_by
        AND decided_at > now() - make_interval(secs => $2)
      RETURNING tenant_id, user_id, recipient_key, recipient_fingerprint`,
    [id, deps.approvalSeconds],
  );
  const request = claimed.rows[0];
  if (!request) {
    const { rows } = await deps.pool.query<{ status: string; expires_at: Date }>('SELECT status, expires_at FROM export_requests WHERE id = $1', [id]);
    const audit = new SqlAuditStore(sqlOn(deps.pool), deps.auditChains);
    await audit.append({ action: 'export.complete', outcome: 'denied', actorService: ACTOR, requestId: `export_${randomUUID()}`, target: id, reason: rows[0] ? `status=${rows[0].status}` : 'export_not_found' });
    if (!rows[0]) throw new ExportRefused('no such export request');
    if (rows[0].status === 'approved' || rows[0].status === 'exporting') throw new ExportRefused('its approval is older than VAULT_EXPORT_APPROVAL_SECONDS: request and approve it again');
    throw new ExportRefused(rows[0].status === 'pending' ? 'not approved by a second admin' : `the request is ${rows[0].status}`);
  }
  const runId = `export_${randomUUID()}`;
  const audit = new SqlAuditStore(sqlOn(deps.pool), deps.auditChains);
  const part = `${outFile}.part`;
  let count = 0;
  try {
    const recipient = await openpgp.readKey({ armoredKey: request.recipient_key });
    /* Precondition: the key is the one the approver saw (its fingerprint was shown and recorded at the request). */
    if (recipient.getFingerprint() !== request.recipient_fingerprint) throw new ExportRefused('the recipient key is not the one approved');
    async function* csv(): AsyncGenerator<Buffer> {
      yield Buffer.from(`${PORTABLE_COLUMNS.join(',')}\n`);
      let after = '';
      for (;;) {
        const { rows } = await deps.pool.query<CardRow>(
          `SELECT c.id, c.tenant_id, c.user_id, c.exp_month, c.exp_year, c.cardholder_name, c.ciphertext, c.billing_profile_id, b.ciphertext AS bp_ciphertext
             FROM cards c LEFT JOIN billing_profiles b ON b.id = c.billing_profile_id
            WHERE c.tenant_id = $1 AND ($2::text IS NULL OR c.user_id = $2) AND c.id > $3 ORDER BY c.id LIMIT $4`,
          [request!.tenant_id, request!.user_id, after, PAGE],
        );
        if (rows.length === 0) return;
        const events: AuditEventInput[] = [];
        const lines: string[] = [];
        for (const row of rows) {
          const pan = await openPan(deps.envelope, { id: row.id, tenantId: row.tenant_id, userId: row.user_id, ciphertext: row.ciphertext });
          const address = row.bp_ciphertext && row.billing_profile_id ? await openAddress(deps.envelope, { id: row.billing_profile_id, tenantId: row.tenant_id, userId: row.user_id, ciphertext: row.bp_ciphertext }) : null;
          lines.push(
            [row.user_id, pan.reveal(), row.exp_month, row.exp_year, row.cardholder_name, address?.name, address?.line1, address?.line2, address?.city, address?.region, address?.postalCode, address?.country, address?.email, address?.phone]
              .map(cell)
              .join(','),
          );
          events.push({ action: 'card.decrypt', outcome: 'success', actorService: ACTOR, requestId: runId, tenantId: row.tenant_id, userId: row.user_id, target: row.id, reason: `export=${id}` });
        }
        // Audited before the page can leave this process.
        await audit.appendAll(events);
        count += rows.length;
        after = rows[rows.length - 1]!.id;
        yield Buffer.from(`${lines.join('\n')}\n`);
      }
    }
    const message = await openpgp.createMessage({ binary: Readable.toWeb(Readable.from(csv())) as unknown as ReadableStream<Uint8Array> });
    const encrypted = await openpgp.encrypt({ message, encryptionKeys: recipient, format: 'binary' });
    await pipeline(Readable.fromWeb(encrypted as never), createWriteStream(part, { mode: 0o600, flags: 'wx' }));
    renameSync(part, outFile);
  } catch (err) {
    rmSync(part, { force: true });
    await deps.pool.query(`UPDATE export_requests SET status = 'approved' WHERE id = $1 AND status = 'exporting'`, [id]).catch(() => {});
    await audit.append({ action: 'export.complete', outcome: 'failed', actorService: ACTOR, requestId: runId, target: id, reason: (err as Error).name }).catch(() => {});
    throw err;
  }
  await deps.pool.query(`UPDATE export_requests SET status = 'completed', completed_at = now() WHERE id = $1`, [id]);
  await audit.append({ action: 'export.complete', outcome: 'success', actorService: ACTOR, requestId: runId, tenantId: request.tenant_id, target: id, reason: `cards=${count} recipient=${request.recipient_fingerprint}` });
  return { cards: count, recipientFingerprint: request.recipient_fingerprint };
}
