/**
 * One batch of an import: its rows sealed first (no transaction held while encrypting), then written in one
 * transaction — each card through the card-add merge every add shares (`CardRepository.addOrMerge`), one
 * `card.import` audit event per stored or merged card, and the run's progress — so a run killed anywhere has
 * stored exactly the rows of its committed batches. A dry run checks duplicates in memory and stores nothing.
 */
import type { AuditedUnitOfWork } from '../audit/audited-unit-of-work.ts';
import type { AuditEventInput } from '../audit/audit-event.ts';
import { sealAddress } from '../billing-profiles/billing-profile-secret.ts';
import type { NewBillingProfile } from '../billing-profiles/billing-profile-repository.ts';
import type { CardAdd, CardRepository } from '../cards/card-repository.ts';
import { sealPan } from '../cards/card-secret.ts';
import type { Envelope } from '../crypto/envelope.ts';
import type { Fingerprinter } from '../crypto/fingerprint.ts';
import { newId } from '../crypto/secret-hash.ts';
import type { ImportRow } from './import-rows.ts';
import type { ImportRunRepository } from './import-run-repository.ts';
import type { ReportLine } from './import-report.ts';

/** The repositories an import writes through. */
export interface ImportRepositories {
  readonly cards: CardRepository;
  readonly importRuns: ImportRunRepository;
}

export interface BatchDeps {
  readonly uow: AuditedUnitOfWork<ImportRepositories>;
  readonly envelope: Envelope;
  readonly fingerprinter: Fingerprinter;
}

/** The actor name of the import's audit events. */
export const IMPORT_ACTOR = 'card-import';

type Sealed = { readonly kind: 'refused'; readonly row: number; readonly line: number; readonly code: string } | { readonly kind: 'ready'; readonly row: number; readonly line: number; readonly add: CardAdd };

async function seal(deps: BatchDeps, tenantId: string, { row, line, outcome }: ImportRow): Promise<Sealed> {
  if (!outcome.ok) return { kind: 'refused', row, line, code: outcome.code };
  const owner = { tenantId, userId: outcome.userId };
  const id = newId('card_');
  const pan = await sealPan(deps.envelope, { id, ...owner }, outcome.pan.pan);
  const profileId = outcome.address ? newId('bp_') : null;
  const address = outcome.address && profileId ? await sealAddress(deps.envelope, { id: profileId, ...owner }, outcome.address) : null;
  const newProfile: NewBillingProfile | null = address && profileId ? { id: profileId, ...owner, ciphertext: address.ciphertext, keyVersion: address.keyVersion } : null;
  // Under every loaded fingerprint key: during a fingerprint-key rotation a card stored under the old key is merged
  // and moved to the current one, as the API's add does.
  const [fingerprint, ...olderFingerprints] = deps.fingerprinter.allFingerprints(tenantId, outcome.pan.pan);
  const card = {
    id,
    ...owner,
    billingProfileId: profileId,
    brand: outcome.pan.brand,
    bin: outcome.pan.bin,
    last4: outcome.pan.last4,
    expMonth: outcome.expMonth,
    expYear: outcome.expYear,
    cardholderName: outcome.cardholderName,
    fingerprint: fingerprint!,
    fingerprintKeyVersion: deps.fingerprinter.keyVersion,
    ciphertext: pan.ciphertext,
    keyVersion: pan.keyVersion,
  };
  // A billing address is stored with a new card only: a merged card keeps its own (addOrMerge).
  return { kind: 'ready', row, line, add: { card, setBillingProfile: newProfile !== null, olderFingerprints, newProfile } };
}

/** Stores one batch of run `runId`; `report` gets its lines just before the commit. */
export async function storeBatch(deps: BatchDeps, tenantId: string, runId: string, rows: readonly ImportRow[], report: (lines: readonly ReportLine[]) => void): Promise<ReportLine[]> {
  const sealed = await Promise.all(rows.map((r) => seal(deps, tenantId, r)));
  // Merged owner by owner (a user's rows keep their file order; users are independent), so two imports into one
  // tenant take the owners' card-write locks in the same order and cannot deadlock each other.
  const ready = sealed.filter((s) => s.kind === 'ready').sort((a, b) => (a.add.card.userId < b.add.card.userId ? -1 : a.add.card.userId > b.add.card.userId ? 1 : 0));
  return deps.uow.transaction(async (repos) => {
    const stored = new Map<number, ReportLine>();
    for (const s of ready) {
      const { card, created } = await repos.cards.addOrMerge(s.add);
      stored.set(s.row, { row: s.row, line: s.line, outcome: created ? 'stored' : 'merged', brand: card.brand, last4: card.last4, cardId: card.id });
    }
    const lines = sealed.map((s): ReportLine => (s.kind === 'refused' ? { row: s.row, line: s.line, outcome: 'refused', code: s.code } : stored.get(s.row)!));
    const events = sealed.flatMap((s): AuditEventInput[] => {
      if (s.kind === 'refused') return [];
      const { cardId, outcome } = stored.get(s.row)!;
      return [{ action: 'card.import', outcome: 'success', actorService: IMPORT_ACTOR, requestId: runId, tenantId, userId: s.add.card.userId, target: cardId!, reason: outcome === 'stored' ? 'created' : 'merged' }];
    });
    await repos.audit.appendAll(events);
    const count = (o: ReportLine['outcome']) => lines.filter((l) => l.outcome === o).length;
    await repos.importRuns.recordProgress(runId, { rowsDone: rows[rows.length - 1]!.row, stored: count('stored'), merged: count('merged'), refused: count('refused') });
    // The report before the commit: a crash after this line and before the commit re-reports these rows on the
    // rerun, after the resumed run has cut the report back to what was committed.
    report(lines);
    return lines;
  });
}

/** A dry run's lines: nothing stored; a row whose card an earlier row of the file holds already is `merged`. */
export function dryRunLines(rows: readonly ImportRow[], fingerprinter: Fingerprinter, tenantId: string, seen: Set<string>): ReportLine[] {
  return rows.map(({ row, line, outcome }) => {
    if (!outcome.ok) return { row, line, outcome: 'refused', code: outcome.code };
    const key = `${outcome.userId}|${fingerprinter.fingerprint(tenantId, outcome.pan.pan)}`;
    const merged = seen.has(key);
    seen.add(key);
    return { row, line, outcome: merged ? 'merged' : 'valid', brand: outcome.pan.brand, last4: outcome.pan.last4 };
  });
}
