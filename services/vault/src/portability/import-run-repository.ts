import { statement, type Sql } from '../storage/sql.ts';

/** One import of one file into one tenant (named by the file's sha256, so a rerun of the file resumes it). */
export interface ImportRunRecord {
  readonly id: string;
  readonly status: 'running' | 'completed';
  /** Data rows committed so far (a resumed run starts after them). */
  readonly rowsDone: number;
}

/** What one committed batch adds to its run. */
export interface ImportProgress {
  /** The last data row of the batch: every row up to it is done. */
  readonly rowsDone: number;
  readonly stored: number;
  readonly merged: number;
  readonly refused: number;
}

/** The only code that reads or writes the `import_runs` table. */
export interface ImportRunRepository {
  findByFile(tenantId: string, fileSha256: string): Promise<ImportRunRecord | null>;
  /** Records a new run, `running`, nothing done. */
  start(id: string, tenantId: string, fileSha256: string): Promise<void>;
  rowsDone(id: string): Promise<number>;
  /** Moves the run past a batch (in the batch's transaction, so the two commit together). */
  recordProgress(id: string, progress: ImportProgress): Promise<void>;
  /** Marks the run completed; its totals over every attempt. */
  complete(id: string): Promise<{ stored: number; merged: number; refused: number }>;
}

const FIND = statement(
  'import_runs_find',
  'SELECT "id", "status", "rows_done" AS "rowsDone" FROM "import_runs" WHERE "tenant_id" = $1 AND "file_sha256" = $2',
);
const START = statement('import_runs_start', 'INSERT INTO "import_runs" ("id", "tenant_id", "file_sha256", "status") VALUES ($1, $2, $3, $4)');
const ROWS_DONE = statement('import_runs_rows_done', 'SELECT "rows_done" AS "rowsDone" FROM "import_runs" WHERE "id" = $1');
const PROGRESS = statement(
  'import_runs_progress',
  'UPDATE import_runs SET rows_done = $2, stored = stored + $3, merged = merged + $4, refused = refused + $5, updated_at = now() WHERE id = $1',
);
const COMPLETE = statement(
  'import_runs_complete',
  `UPDATE "import_runs" SET "status" = $2, "finished_at" = now(), "updated_at" = now() WHERE "id" = $1 RETURNING "stored", "merged", "refused"`,
);

export class SqlImportRunRepository implements ImportRunRepository {
  constructor(private readonly sql: Sql) {}

  async findByFile(tenantId: string, fileSha256: string): Promise<ImportRunRecord | null> {
    return (await this.sql.rows<ImportRunRecord>(FIND, [tenantId, fileSha256]))[0] ?? null;
  }

  async start(id: string, tenantId: string, fileSha256: string): Promise<void> {
    // The status is a parameter, not a literal: the statement may carry the run's audit event (`audited`).
    await this.sql.count(START, [id, tenantId, fileSha256, 'running']);
  }

  async rowsDone(id: string): Promise<number> {
    return (await this.sql.rows<{ rowsDone: number }>(ROWS_DONE, [id]))[0]!.rowsDone;
  }

  async recordProgress(id: string, p: ImportProgress): Promise<void> {
    await this.sql.count(PROGRESS, [id, p.rowsDone, p.stored, p.merged, p.refused]);
  }

  async complete(id: string): Promise<{ stored: number; merged: number; refused: number }> {
    return (await this.sql.rows<{ stored: number; merged: number; refused: number }>(COMPLETE, [id, 'completed']))[0]!;
  }
}
