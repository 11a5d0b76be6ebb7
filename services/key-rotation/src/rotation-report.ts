/** Rows per key version, per table. */
export interface VersionCounts {
  readonly cards: Readonly<Record<string, number>>;
  readonly cardFingerprints: Readonly<Record<string, number>>;
  readonly billingProfiles: Readonly<Record<string, number>>;
}

export interface RotationReport {
  readonly runId: string | null;
  readonly dryRun: boolean;
  readonly targetKeyVersion: string;
  readonly targetFingerprintVersion: string;
  /** Rows that needed rotation when the run started. */
  readonly pending: number;
  readonly before: VersionCounts;
  readonly after: VersionCounts;
  readonly changed: number;
  readonly retried: number;
  readonly failed: number;
  /** Rows still not on the current keys when the run ended (locked by live traffic, or failed): run again. */
  readonly remaining: number;
  readonly abandonedRuns: readonly string[];
  readonly durationMs: number;
  readonly rowsPerSecond: number;
}

export function formatReport(r: RotationReport): string {
  const counts = (c: VersionCounts) =>
    `cards ${JSON.stringify(c.cards)}, card fingerprints ${JSON.stringify(c.cardFingerprints)}, billing profiles ${JSON.stringify(c.billingProfiles)}`;
  return [
    `key rotation ${r.dryRun ? '(dry run) ' : ''}to key ${r.targetKeyVersion}, fingerprint key ${r.targetFingerprintVersion}${r.runId ? ` — run ${r.runId}` : ''}`,
    `  before:  ${counts(r.before)}`,
    `  after:   ${counts(r.after)}`,
    `  pending at start ${r.pending}; changed ${r.changed}; retried ${r.retried}; failed ${r.failed}; remaining ${r.remaining}`,
    `  duration ${(r.durationMs / 1000).toFixed(2)} s; ${r.rowsPerSecond.toFixed(0)} rows/s`,
    ...(r.abandonedRuns.length ? [`  resumed after abandoned run(s): ${r.abandonedRuns.join(', ')}`] : []),
  ].join('\n');
}
