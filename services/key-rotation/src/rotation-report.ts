/**
 * Rows per key version, keyed by each registered encrypted record type's name (`cards`, `billingProfiles`,
 * `idempotencyRecords`, …) and each keyed digest's (`cardFingerprints`): `{ cards: { v1: 10, v2: 3 }, … }`.
 */
export type VersionCounts = Readonly<Record<string, Readonly<Record<string, number>>>>;

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
    Object.entries(c)
      .map(([name, versions]) => `${name} ${JSON.stringify(versions)}`)
      .join(', ');
  return [
    `key rotation ${r.dryRun ? '(dry run) ' : ''}to key ${r.targetKeyVersion}, fingerprint key ${r.targetFingerprintVersion}${r.runId ? ` — run ${r.runId}` : ''}`,
    `  before:  ${counts(r.before)}`,
    `  after:   ${counts(r.after)}`,
    `  pending at start ${r.pending}; changed ${r.changed}; retried ${r.retried}; failed ${r.failed}; remaining ${r.remaining}`,
    `  duration ${(r.durationMs / 1000).toFixed(2)} s; ${r.rowsPerSecond.toFixed(0)} rows/s`,
    ...(r.abandonedRuns.length ? [`  resumed after abandoned run(s): ${r.abandonedRuns.join(', ')}`] : []),
  ].join('\n');
}
