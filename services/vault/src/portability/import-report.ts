/**
 * An import's report: the report file (JSON Lines, one per data row: row, line, outcome, code; brand and last 4
 * only — never a PAN) and the summary the command prints. Lines are written before their batch commits, and a
 * resumed run cuts the file back to the committed rows, so every row is in it exactly once.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';

export interface ReportLine {
  readonly row: number;
  readonly line: number;
  readonly outcome: 'stored' | 'merged' | 'refused' | 'valid';
  readonly code?: string;
  readonly brand?: string;
  readonly last4?: string;
  readonly cardId?: string;
}

/** What `importCards` answers. */
export interface ImportReport {
  readonly runId: string | null;
  readonly dryRun: boolean;
  /** Rows already done by an earlier attempt of this run (skipped now). */
  readonly resumedAfter: number;
  /** Rows this attempt checked (after the resumed ones). */
  readonly rows: number;
  readonly stored: number;
  readonly merged: number;
  readonly refused: number;
  readonly refusedByCode: Readonly<Record<string, number>>;
  readonly seconds: number;
  readonly peakRssMiB: number;
}

/** Keeps only the report lines of rows 1..`rowsDone` (a resumed run reports the rest again). */
function cutReport(reportFile: string, rowsDone: number): void {
  if (!existsSync(reportFile)) return;
  const rowOf = (l: string) => {
    try {
      return (JSON.parse(l) as { row: number }).row;
    } catch {
      return Infinity; // a line torn by a crash mid-write: that row is reported again
    }
  };
  const kept = readFileSync(reportFile, 'utf8')
    .split('\n')
    .filter((l) => l && rowOf(l) <= rowsDone);
  writeFileSync(`${reportFile}.part`, kept.map((l) => `${l}\n`).join(''), { mode: 0o600 });
  renameSync(`${reportFile}.part`, reportFile);
}

/**
 * The report file, cut back to the committed rows on a resume (`resumedAfter` > 0), else started empty. Written
 * with writeSync, so a line written before a batch's commit is in the file (the kernel's) even if the process is
 * killed right after.
 */
export class ReportFile {
  readonly #fd: number;

  constructor(file: string, resumedAfter: number) {
    if (resumedAfter > 0) cutReport(file, resumedAfter);
    else writeFileSync(file, '', { mode: 0o600 });
    this.#fd = openSync(file, 'a', 0o600);
  }

  write(lines: readonly ReportLine[]): void {
    if (lines.length) writeSync(this.#fd, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  }

  close(): void {
    closeSync(this.#fd);
  }
}

/** The counts of an attempt's rows by outcome, and of its refused rows by code. */
export class ReportTally {
  readonly totals = { rows: 0, stored: 0, merged: 0, refused: 0 };
  readonly refusedByCode: Record<string, number> = {};

  count(lines: readonly ReportLine[]): void {
    for (const l of lines) {
      this.totals.rows++;
      if (l.outcome === 'refused') {
        this.totals.refused++;
        this.refusedByCode[l.code!] = (this.refusedByCode[l.code!] ?? 0) + 1;
      } else if (l.outcome === 'merged') this.totals.merged++;
      else this.totals.stored++;
    }
  }
}
