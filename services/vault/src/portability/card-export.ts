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
import type { AuditEventInput } from '../audit/audit-event.ts';
import type { AuditedUnitOfWork } from '../audit/audited-unit-of-work.ts';
import { openAddress } from '../billing-profiles/billing-profile-secret.ts';
import { openPan } from '../cards/card-secret.ts';
import type { Envelope } from '../crypto/envelope.ts';
import type { TrySessionLock } from '../storage/session-lock.ts';
import { PORTABLE_COLUMNS } from './card-rows.ts';
import type { ExportCardRepository } from './export-card-repository.ts';
import type { ExportRequestRecord, ExportRequestRepository } from './export-request-repository.ts';

export class ExportRefused extends Error {
  override readonly name = 'ExportRefused';
}

/** The repositories the export job reads and writes. */
export interface ExportJobRepositories {
  readonly exportRequests: ExportRequestRepository;
  readonly exportCards: ExportCardRepository;
}

export interface ExportDeps {
  readonly uow: AuditedUnitOfWork<ExportJobRepositories>;
  /** One writer per request: the request's session lock. */
  readonly tryLock: TrySessionLock;
  readonly envelope: Envelope;
  readonly approvalSeconds: number;
}

const PAGE = 500;
const ACTOR = 'card-export';
const cell = (v: string | number | null | undefined) => {
  const text = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export async function exportCards(deps: ExportDeps, id: string, outFile: string): Promise<{ cards: number; recipientFingerprint: string }> {
  // One writer per request: a session-level advisory lock held until this job ends. A request left `exporting` by a
  // writer that died (its session, and so its lock, gone) may be claimed again; one whose writer is alive may not.
  const lock = await deps.tryLock(`card-export|${id}`);
  if (!lock) throw new ExportRefused('another job is writing this export');
  try {
    return await writeExport(deps, id, outFile);
  } finally {
    lock.release();
  }
}

/** Why the request cannot be written (audited), as the job's refusal. */
async function refusal(deps: ExportDeps, id: string): Promise<ExportRefused> {
  const { repos } = deps.uow;
  const row = await repos.exportRequests.find(id);
  await repos.audit.append({ action: 'export.complete', outcome: 'denied', actorService: ACTOR, requestId: `export_${randomUUID()}`, target: id, reason: row ? `status=${row.status}` : 'export_not_found' });
  if (!row) return new ExportRefused('no such export request');
  if (row.status === 'approved' || row.status === 'exporting') return new ExportRefused('its approval is older than VAULT_EXPORT_APPROVAL_SECONDS: request and approve it again');
  return new ExportRefused(row.status === 'pending' ? 'not approved by a second admin' : `the request is ${row.status}`);
}

/** The request's cards as the portable CSV, a page at a time; every card read is audited before its page leaves. */
async function* csv(deps: ExportDeps, request: ExportRequestRecord, runId: string, counted: (n: number) => void): AsyncGenerator<Buffer> {
  const { repos } = deps.uow;
  yield Buffer.from(`${PORTABLE_COLUMNS.join(',')}\n`);
  for (let after = ''; ; ) {
    const rows = await repos.exportCards.page({ tenantId: request.tenantId, userId: request.userId }, after, PAGE);
    if (rows.length === 0) return;
    const events: AuditEventInput[] = [];
    const lines: string[] = [];
    for (const row of rows) {
      const pan = await openPan(deps.envelope, { id: row.id, tenantId: row.tenantId, userId: row.userId, ciphertext: row.ciphertext });
      const address =
        row.billingProfileCiphertext && row.billingProfileId
          ? await openAddress(deps.envelope, { id: row.billingProfileId, tenantId: row.tenantId, userId: row.userId, ciphertext: row.billingProfileCiphertext })
          : null;
      lines.push(
        [row.userId, pan.reveal(), row.expMonth, row.expYear, row.cardholderName, address?.name, address?.line1, address?.line2, address?.city, address?.region, address?.postalCode, address?.country, address?.email, address?.phone]
          .map(cell)
          .join(','),
      );
      events.push({ action: 'card.decrypt', outcome: 'success', actorService: ACTOR, requestId: runId, tenantId: row.tenantId, userId: row.userId, target: row.id, reason: `export=${request.id}` });
    }
    // Audited before the page can leave this process.
    await repos.audit.appendAll(events);
    counted(rows.length);
    after = rows[rows.length - 1]!.id;
    yield Buffer.from(`${lines.join('\n')}\n`);
  }
}

async function writeExport(deps: ExportDeps, id: string, outFile: string): Promise<{ cards: number; recipientFingerprint: string }> {
  const { repos } = deps.uow;
  // Written only for a request approved by a second person, within the approval window of its approval.
  const request = await repos.exportRequests.claimForExport(id, deps.approvalSeconds);
  if (!request) throw await refusal(deps, id);
  const runId = `export_${randomUUID()}`;
  const part = `${outFile}.part`;
  let count = 0;
  try {
    const recipient = await openpgp.readKey({ armoredKey: request.recipientKey });
    /* Precondition: the key is the one the approver saw (its fingerprint was shown and recorded at the request). */
    if (recipient.getFingerprint() !== request.recipientFingerprint) throw new ExportRefused('the recipient key is not the one approved');
    const plaintext = Readable.from(csv(deps, request, runId, (n) => (count += n)));
    const message = await openpgp.createMessage({ binary: Readable.toWeb(plaintext) as unknown as ReadableStream<Uint8Array> });
    const encrypted = await openpgp.encrypt({ message, encryptionKeys: recipient, format: 'binary' });
    await pipeline(Readable.fromWeb(encrypted as never), createWriteStream(part, { mode: 0o600, flags: 'wx' }));
    renameSync(part, outFile);
  } catch (err) {
    rmSync(part, { force: true });
    await repos.exportRequests.releaseClaim(id).catch(() => {});
    await repos.audit.append({ action: 'export.complete', outcome: 'failed', actorService: ACTOR, requestId: runId, target: id, reason: (err as Error).name }).catch(() => {});
    throw err;
  }
  // Completed and audited together: a completed request is never written again.
  await deps.uow.transaction(async (tx) => {
    await tx.exportRequests.complete(id);
    await tx.audit.append({ action: 'export.complete', outcome: 'success', actorService: ACTOR, requestId: runId, tenantId: request.tenantId, target: id, reason: `cards=${count} recipient=${request.recipientFingerprint}` });
  });
  return { cards: count, recipientFingerprint: request.recipientFingerprint };
}
