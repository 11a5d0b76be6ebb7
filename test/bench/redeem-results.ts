/**
 * The results of `npm run bench -- redeem` (redeem-bench.ts): what they hold, and the Markdown written beside the
 * JSON in bench/results/<date>-<commit>-redeem.md.
 */
import type { runFacts } from './bench-results.ts';
import type { CpuPerRequest } from './cpu-accounting.ts';
import type { RoundFigure } from './round-figures.ts';

export const OPS = ['redeem-https', 'redeem-grpc', 'issue-https'] as const;
export type Op = (typeof OPS)[number];
export const OP_NAMES: Record<Op, string> = {
  'redeem-https': 'redeem HTTPS `POST /v1/payment-tokens/redeem`',
  'redeem-grpc': 'redeem gRPC `RedeemPaymentToken`',
  'issue-https': 'issue HTTPS `POST /v1/payment-tokens`',
};
export const BUILDS = ['A', 'B'] as const;
export type Build = (typeof BUILDS)[number];

/** Requests/s, latency p50 and p99 (ms): medians over the rounds. */
export interface BuildFigure extends RoundFigure {
  /** µs per request: the vault, every postgres process, Redis, the load generator (cpu-accounting.ts). */
  readonly cpuPerRequestUs?: CpuPerRequest;
  /** µs per request of this build's database's own PostgreSQL backends. */
  readonly databaseBackendUs: number;
}

export interface OpFigures {
  readonly op: Op;
  readonly concurrency: number;
  readonly requestsPerRun: number;
  readonly builds: Readonly<Record<Build, BuildFigure>>;
  /** B ÷ A: the median of the rounds' ratios. */
  readonly ratio: { readonly perSecond: number; readonly p50: number; readonly p99: number };
  readonly ratioByRound: ReadonlyArray<{ perSecond: number; p50: number; p99: number }>;
}

/** Per request: count and ms (sent → answer) per statement or command name, over a counted window. */
export type RoundTrips = Record<string, { count: number; ms: number }>;

export interface CountedFigures {
  readonly requests: number;
  /** Per request: transactions committed (a BEGIN … COMMIT, or a statement on its own) and rolled back, as sent. */
  readonly transactions: { readonly committed: number; readonly rolledBack: number };
  /** Per request, by statement name (prepared) or text (BEGIN, COMMIT, SELECT 1). */
  readonly postgres: RoundTrips;
  /** Per request, by Redis command. */
  readonly redis: RoundTrips;
  /** Per request, from pg_stat_database, less the idle vault's own rate over the window (active_time in µs). */
  readonly database: Readonly<Record<string, number>>;
  /** Per request, per table, rows inserted, updated, deleted and index scans (idle rate subtracted), non-zero only. */
  readonly tables: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** What the idle vault did to its database per second (readiness pings, purges), subtracted above. */
  readonly idlePerSecond: Readonly<Record<string, number>>;
}

export const sum = (t: RoundTrips) => Object.values(t).reduce((a, x) => ({ count: a.count + x.count, ms: a.ms + x.ms }), { count: 0, ms: 0 });

export interface RedeemResults {
  readonly date: string;
  readonly commit: string;
  readonly dirty: boolean;
  readonly machine: ReturnType<typeof runFacts>['machine'];
  readonly builds: Readonly<Record<Build, { ref: string; sha: string; subject: string }>>;
  /** The commits from A to B that change what runs (services/, prisma/), newest first: `<short sha> <subject>`. */
  readonly changes: readonly string[];
  readonly rounds: number;
  readonly users: number;
  readonly cards: number;
  readonly timed: readonly OpFigures[];
  readonly counted: Readonly<Record<'redeem' | 'issue', Readonly<Record<Build, CountedFigures>>>>;
  readonly auditVerify: Readonly<Record<Build, { ok: boolean; summary: string }>>;
  readonly failures: readonly string[];
  readonly vaultSettings: Readonly<Record<string, string>>;
}

const ms = (x: number) => x.toFixed(2);
export const r2 = (x: number) => x.toFixed(2);
const signed = (x: number, digits = 2) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;

/** Rows written to the vault's own tables per request (pg_stat_user_tables: inserted, updated). */
function rowsWritten(f: CountedFigures): { ins: number; upd: number } {
  const all = Object.values(f.tables);
  return { ins: all.reduce((n, t) => n + (t['ins'] ?? 0), 0), upd: all.reduce((n, t) => n + (t['upd'] ?? 0), 0) };
}

function durableStepSentence(r: RedeemResults): string {
  const [a, b] = [r.counted.redeem.A, r.counted.redeem.B];
  const [pa, pb] = [sum(a.postgres), sum(b.postgres)];
  const [ra, rb] = [sum(a.redis), sum(b.redis)];
  const c16 = r.timed.find((f) => f.op === 'redeem-https' && f.concurrency === 16)!;
  const c1 = r.timed.find((f) => f.op === 'redeem-https' && f.concurrency === 1)!;
  const names = (t: RoundTrips) => Object.entries(t).filter(([, v]) => v.count >= 0.5).map(([k, v]) => `${k}${v.count >= 1.5 ? ` ×${v.count.toFixed(0)}` : ''}`).join(', ');
  const cpu = (x: BuildFigure) => x.cpuPerRequestUs?.target ?? NaN;
  return [
    `**The durable step** (per redeem, A → B): PostgreSQL statements ${r2(pa.count)} → ${r2(pb.count)} (A: ${names(a.postgres)}; B: ${names(b.postgres)}) `,
    `in ${r2(a.transactions.committed)} → ${r2(b.transactions.committed)} committed transaction(s); `,
    `time waiting for PostgreSQL at c=1 ${ms(pa.ms)} → ${ms(pb.ms)} ms (${signed(pb.ms - pa.ms)} ms; the redeem's p50 at c=1 moved ${signed(c1.builds.B.p50 - c1.builds.A.p50)} ms); `,
    `PostgreSQL's time executing them (pg_stat_database.active_time) ${a.database['active_time_us']!.toFixed(0)} → ${b.database['active_time_us']!.toFixed(0)} µs; `,
    `CPU at c=16: its database's backends ${c16.builds.A.databaseBackendUs} → ${c16.builds.B.databaseBackendUs} µs, the vault ${cpu(c16.builds.A)} → ${cpu(c16.builds.B)} µs; `,
    `rows written ${r2(rowsWritten(a).ins + rowsWritten(a).upd)} → ${r2(rowsWritten(b).ins + rowsWritten(b).upd)}; `,
    `Redis commands ${r2(ra.count)} → ${r2(rb.count)} (${ms(ra.ms)} → ${ms(rb.ms)} ms at c=1).`,
  ].join('');
}

function roundTripRows(op: 'redeem' | 'issue', r: RedeemResults): string[] {
  const rows: string[] = [];
  for (const build of BUILDS) {
    const f = r.counted[op][build];
    const list = (t: RoundTrips) =>
      Object.entries(t)
        .sort((x, y) => y[1].count - x[1].count)
        .filter(([, v]) => v.count >= 0.01)
        .map(([k, v]) => `\`${k}\` ${v.count.toFixed(2)} × ${((1000 * v.ms) / v.count).toFixed(0)} µs`)
        .join(', ');
    const [p, rd, w] = [sum(f.postgres), sum(f.redis), rowsWritten(f)];
    rows.push(
      `| ${op} | ${build} | ${r2(p.count)} | ${r2(f.transactions.committed)} | ${ms(p.ms)} | ${f.database['active_time_us']!.toFixed(0)} | ${r2(w.ins)} / ${r2(w.upd)} | ${r2(rd.count)} | ${ms(rd.ms)} | ${list(f.postgres)} | ${list(f.redis)} |`,
    );
  }
  return rows;
}

export function renderRedeemMarkdown(r: RedeemResults): string {
  const lines = [
    `Redeem and issue before and after durable single use (issue 25), run of ${r.date}: ${r.machine.cpus} CPU(s) (${r.machine.cpuModel}), Node ${r.machine.node}. Two compiled vaults, each built from its commit's tree (not from the working tree), at once (\`VAULT_WORKERS=1\` each), the same PostgreSQL server (a database each) and Redis (a key namespace each), load generator on the same machine, shared with other work and noisy: the ratios within this run are what count. \`VAULT_IDLE_SOCKET_TIMEOUT_MS=600000\` for both: at its default (30 s) the gRPC listener cuts a busy connection 30 s after it opened (redeem-bench.ts says why).`,
    '',
    `- **A** \`${r.builds.A.sha.slice(0, 7)}\` (${r.builds.A.ref}): ${r.builds.A.subject}`,
    `- **B** \`${r.builds.B.sha.slice(0, 7)}\` (${r.builds.B.ref}): ${r.builds.B.subject}`,
    '',
    `Between them, ${r.changes.length} commit(s) change services/ or prisma/: ${r.changes.map((c) => `\`${c.slice(0, 7)}\` ${c.slice(8, 90)}${c.length > 90 ? '…' : ''}`).join('; ')}.`,
    '',
    `${r.users} users, ${r.cards} cards per build. ${r.rounds} rounds; in each, every operation and concurrency run by A and B one after the other (A first in odd rounds, B first in even ones); tokens issued before their redeem run, untimed, each redeemed once. Figures are medians over the rounds, B ÷ A the median of the rounds' ratios (latency: below 1 is faster).`,
    '',
    '| operation | c | A req/s | B req/s | **B ÷ A req/s** | A p50 / p99 ms | B p50 / p99 ms | B ÷ A p50 | B ÷ A p99 | B ÷ A req/s by round |',
    '| --- | --: | --: | --: | --: | --: | --: | --: | --: | --- |',
  ];
  for (const f of r.timed) {
    const [a, b] = [f.builds.A, f.builds.B];
    lines.push(
      `| ${OP_NAMES[f.op]} | ${f.concurrency} | ${a.perSecond.toFixed(0)} | ${b.perSecond.toFixed(0)} | **${r2(f.ratio.perSecond)}** | ${ms(a.p50)} / ${ms(a.p99)} | ${ms(b.p50)} / ${ms(b.p99)} | ${r2(f.ratio.p50)} | ${r2(f.ratio.p99)} | ${f.ratioByRound.map((x) => r2(x.perSecond)).join(' ')} |`,
    );
  }
  lines.push(
    '',
    '**CPU per request** (c=16, µs, A / B, from /proc over the timed runs; "its database" is the PostgreSQL backends serving that build\'s database only, "all postgres" every postgres process on the machine, other work included):',
    '',
    '| operation | vault | PostgreSQL, its database | all postgres | Redis | load generator |',
    '| --- | --: | --: | --: | --: | --: |',
  );
  for (const f of r.timed.filter((x) => x.concurrency === 16)) {
    const [a, b] = [f.builds.A, f.builds.B];
    const cpu = (k: keyof CpuPerRequest) => `${a.cpuPerRequestUs?.[k] ?? '–'} / ${b.cpuPerRequestUs?.[k] ?? '–'}`;
    lines.push(`| ${OP_NAMES[f.op]} | ${cpu('target')} | ${a.databaseBackendUs} / ${b.databaseBackendUs} | ${cpu('postgres')} | ${cpu('redis')} | ${cpu('loadGenerator')} |`);
  }
  lines.push(
    '',
    `**Round trips per request** (counted, not timed: ${r.counted.redeem.A.requests} redeems over HTTPS and ${r.counted.issue.A.requests} issues per build at c=1, with round-trip-hook.mjs in the vault counting each PostgreSQL statement, the transactions they make and each Redis command, and the time from sending each to its answer; "statement time" is pg_stat_database.active_time and "rows written" pg_stat_user_tables over the same window, each less the idle vault's own rate, measured over an idle window before):`,
    '',
    '| operation | build | PostgreSQL statements | transactions | ms waiting for them | statement time µs | rows inserted / updated | Redis commands | ms waiting for them | statements (count × µs each) | Redis commands (count × µs each) |',
    '| --- | --- | --: | --: | --: | --: | --: | --: | --: | --- | --- |',
    ...roundTripRows('redeem', r),
    ...roundTripRows('issue', r),
    '',
    durableStepSentence(r),
    '',
  );
  const tableRows = (op: 'redeem' | 'issue') =>
    BUILDS.map((b) => `${b}: ${Object.entries(r.counted[op][b].tables).map(([t, v]) => `${t} {${Object.entries(v).map(([k, x]) => `${k} ${x.toFixed(2)}`).join(', ')}}`).join('; ')}`).join(' — ');
  lines.push(`Per table, per request (pg_stat_user_tables): redeem — ${tableRows('redeem')}. Issue — ${tableRows('issue')}.`, '');
  lines.push(`Audit chains after the run: A ${r.auditVerify.A.summary}; B ${r.auditVerify.B.summary}`, '');
  if (r.failures.length) lines.push(`Failures: ${r.failures.join('; ')}`, '');
  return lines.join('\n');
}
