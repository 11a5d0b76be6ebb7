/**
 * The results file of a benchmark run: `bench/results/<YYYY-MM-DD>-<short commit>.json` with every figure, the
 * machine and the settings, and the same as a Markdown table beside it (`.md`). Benchmarks run separately on
 * the same day and commit (`ops`, then `load-shape`) fill their own sections of the same file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import type { LoadResult } from './bench-kit.ts';
import type { OpenLoopResult } from './open-loop.ts';
import { renderMarkdown } from './results-table.ts';
import type { CpuPerRequest } from './cpu-accounting.ts';

export const OPERATIONS = ['store', 'list', 'issue', 'redeem'] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface ClosedLoopFigure {
  readonly concurrency: number;
  readonly requests: number;
  readonly errors: number;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** CPU per request (µs) of the target, PostgreSQL, Redis and the load generator over the run (Linux). */
  readonly cpuPerRequestUs?: CpuPerRequest;
}

export interface OpenLoopFigure {
  readonly offeredPerSecond: number;
  readonly seconds: number;
  readonly requests: number;
  readonly errors: number;
  readonly achievedPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** p99 of how late the load generator sent (ms): large means the box itself was saturated. */
  readonly sendLagP99: number;
}

export interface TargetFigures {
  /** Keyed by concurrency ("16", "64"). */
  readonly closed: Readonly<Record<string, ClosedLoopFigure>>;
  readonly open: OpenLoopFigure;
}

export interface OperationFigures {
  readonly vault: TargetFigures;
  readonly floor: TargetFigures;
  /** vault requests/s ÷ floor requests/s, closed loop, per concurrency: the median of the paired rounds. */
  readonly ratio: Readonly<Record<string, number>>;
  /** Each round's ratio, per concurrency. */
  readonly ratioByRound?: Readonly<Record<string, readonly number[]>>;
}

export interface OpsSection {
  readonly requestsPerClosedRun: Readonly<Record<Operation, number>>;
  readonly operations: Readonly<Record<Operation, OperationFigures>>;
  /** The floor's empty request: the express + TLS ceiling. */
  readonly emptyFloor: Readonly<Record<string, ClosedLoopFigure>>;
  /** The vault over gRPC (no floor), c=16. */
  readonly grpc: { readonly issue: ClosedLoopFigure; readonly redeem: ClosedLoopFigure };
  readonly vaultSettings: Readonly<Record<string, string>>;
}

export interface LoadShapeSection {
  readonly offeredPerSecond: number;
  readonly seconds: number;
  readonly requests: number;
  readonly errors: number;
  readonly achievedPerSecond: number;
  readonly sendLagP99: number;
  readonly operations: Readonly<Record<Operation, { readonly share: number; readonly requests: number; readonly errors: number; readonly p50: number; readonly p99: number; readonly max: number }>>;
  readonly vaultSettings: Readonly<Record<string, string>>;
}

export interface AuditVerifySection {
  readonly ok: boolean;
  readonly summary: string;
}

export interface ResultsDoc {
  readonly date: string;
  readonly commit: string;
  /** The working tree had uncommitted changes: the figures are of the commit plus those. */
  readonly dirty: boolean;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly node: string; readonly platform: string; readonly memoryGiB: number };
  readonly ops?: OpsSection;
  readonly loadShape?: LoadShapeSection;
  readonly auditVerify?: AuditVerifySection;
}

export type Sections = Pick<ResultsDoc, 'ops' | 'loadShape' | 'auditVerify'>;

export const RESULTS_DIR = path.join(REPO_ROOT, 'bench', 'results');

export function closedFigure(r: LoadResult, concurrency: number, cpuPerRequestUs?: CpuPerRequest): ClosedLoopFigure {
  return { concurrency, requests: r.requests, errors: r.errors, requestsPerSecond: r.perSecond, p50: r.p50, p99: r.p99, ...(cpuPerRequestUs ? { cpuPerRequestUs } : {}) };
}

export function openFigure(r: OpenLoopResult & { sendLagP99: number }, seconds: number): OpenLoopFigure {
  return { offeredPerSecond: r.offeredPerSecond, seconds, requests: r.requests, errors: r.errors, achievedPerSecond: r.achievedPerSecond, p50: r.p50, p99: r.p99, max: r.max, sendLagP99: r.sendLagP99 };
}

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

export function runFacts(): Omit<ResultsDoc, keyof Sections> {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString().slice(0, 10),
    commit: git('rev-parse', '--short', 'HEAD') || 'unknown',
    dirty: git('status', '--porcelain', '--untracked-files=no') !== '',
    machine: { cpus: cpus.length, cpuModel: cpus[0]?.model.trim() ?? 'unknown', node: process.version, platform: `${os.platform()} ${os.release()}`, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
  };
}

/** Writes (merging into today's file for this commit) and returns the Markdown and the file paths. */
export function writeResults(sections: Sections): { doc: ResultsDoc; markdown: string; jsonFile: string; mdFile: string } {
  const facts = runFacts();
  // A run with more vault workers than one is its own file (the README shows the one-worker table).
  const workers = process.env['BENCH_VAULT_WORKERS'] ?? '1';
  const base = path.join(RESULTS_DIR, `${facts.date}-${facts.commit}${workers === '1' ? '' : `-workers${workers}`}`);
  const jsonFile = `${base}.json`;
  const earlier = existsSync(jsonFile) ? (JSON.parse(readFileSync(jsonFile, 'utf8')) as ResultsDoc) : null;
  const doc: ResultsDoc = { ...earlier, ...facts, ...sections };
  const markdown = renderMarkdown(doc);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(jsonFile, `${JSON.stringify(doc, null, 2)}\n`);
  writeFileSync(`${base}.md`, markdown);
  return { doc, markdown, jsonFile, mdFile: `${base}.md` };
}
