import type { ExportRequestRecord, ExportRequestRepository, NewExportRequest } from '../../../services/vault/src/portability/export-request-repository.ts';
import { uniqueViolation, type Binding } from './in-memory-tables.ts';

/** The CHECK `export_requests_two_people`, as PostgreSQL raises it. */
function twoPeopleViolation(): Error {
  return Object.assign(new Error('new row for relation "export_requests" violates check constraint "export_requests_two_people"'), { code: '23514' });
}

/**
 * `export_requests` in memory. `findForDecision` locks nothing: the unit of work runs one transaction at a time,
 * which is what the row lock gives two decisions in PostgreSQL. The claim's approval window is measured on the
 * binding's clock (PostgreSQL's `now()` in SQL).
 */
export class InMemoryExportRequestRepository implements ExportRequestRepository {
  constructor(private readonly b: Binding) {}

  async insert(request: NewExportRequest): Promise<ExportRequestRecord> {
    if (this.b.db.exportRequests.get(request.id)) throw uniqueViolation('export_requests_pkey');
    const row: ExportRequestRecord = { ...request, approvedBy: null, status: 'pending', decidedAt: null };
    this.b.db.exportRequests.put(row.id, row, this.b.journal);
    return { ...row };
  }

  async find(id: string): Promise<ExportRequestRecord | null> {
    const row = this.b.db.exportRequests.get(id);
    return row ? { ...row } : null;
  }

  findForDecision(id: string): Promise<ExportRequestRecord | null> {
    return this.find(id);
  }

  async decide(id: string, d: { readonly status: 'approved' | 'refused'; readonly approvedBy: string | null; readonly decidedAt: Date }): Promise<ExportRequestRecord | null> {
    const row = this.b.db.exportRequests.get(id);
    if (!row) return null;
    if (d.approvedBy !== null && d.approvedBy === row.requestedBy) throw twoPeopleViolation();
    return this.put({ ...row, status: d.status, approvedBy: d.approvedBy, decidedAt: d.decidedAt });
  }

  async claimForExport(id: string, approvalSeconds: number): Promise<ExportRequestRecord | null> {
    const row = this.b.db.exportRequests.get(id);
    const approvedInTime =
      row !== undefined &&
      (row.status === 'approved' || row.status === 'exporting') &&
      row.approvedBy !== null &&
      row.approvedBy !== row.requestedBy &&
      row.decidedAt !== null &&
      row.decidedAt.getTime() > this.b.now().getTime() - approvalSeconds * 1000;
    return approvedInTime ? this.put({ ...row, status: 'exporting' }) : null;
  }

  async releaseClaim(id: string): Promise<void> {
    const row = this.b.db.exportRequests.get(id);
    if (row?.status === 'exporting') this.put({ ...row, status: 'approved' });
  }

  async complete(id: string): Promise<void> {
    const row = this.b.db.exportRequests.get(id);
    if (row) this.put({ ...row, status: 'completed' });
  }

  private put(row: ExportRequestRecord): ExportRequestRecord {
    this.b.db.exportRequests.put(row.id, row, this.b.journal);
    return { ...row };
  }
}
