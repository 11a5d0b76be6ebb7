/**
 * Where a request's CPU goes on this shared box: the target process (vault or floor), PostgreSQL (all its
 * processes: backends, WAL writer, …), Redis and the load generator itself, read from /proc before and after a
 * closed run. On two cores shared by all of them, throughput is about 2 CPU-seconds ÷ the total per request, so
 * these figures say which process a ratio below 1 is spent in — and they are far steadier than requests/s.
 * Linux only (/proc); elsewhere the figures are absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** CPU by party: the target process (the vault or the floor server), PostgreSQL, Redis, the load generator. */
export interface PartyCpu {
  readonly target: number;
  readonly postgres: number;
  readonly redis: number;
  readonly loadGenerator: number;
}

/** µs per request. */
export type CpuPerRequest = PartyCpu;
/** ms spent over one run. */
type CpuReading = PartyCpu;

const TICK_MS = 10; // USER_HZ is 100 on Linux

function statCpuMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** CPU (user + system, ms) one process has spent so far; 0 once it is gone. */
export function pidCpuMs(pid: number | string): number {
  try {
    return statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return 0; // gone between listing and reading
  }
}

/** CPU of each process whose command name starts with `name`, by pid (PostgreSQL runs one per connection). */
function commandCpuMs(name: string): Map<string, number> {
  const byPid = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z' && stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).startsWith(name)) byPid.set(pid, statCpuMs(stat));
    } catch {
      // exited while listed
    }
  }
  return byPid;
}

/**
 * CPU spent between two readings by the processes of the second: a process that started in between counts whole,
 * one that exited in between is lost (its time cannot be read any more) — never a negative figure.
 */
function spentSince(before: Map<string, number>, after: Map<string, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += Math.max(0, ms - (before.get(pid) ?? 0));
  return total;
}

function read(targetPid: number): { target: number; postgres: Map<string, number>; redis: Map<string, number>; loadGenerator: number } {
  const me = process.cpuUsage();
  return { target: pidCpuMs(targetPid), postgres: commandCpuMs('postgres'), redis: commandCpuMs('redis-server'), loadGenerator: (me.user + me.system) / 1000 };
}

export const cpuAccountingAvailable = existsSync('/proc/self/stat');

/** Runs `run` and returns its result with the CPU each party spent, per request, in µs (null without /proc). */
export async function accounted<T extends { requests: number }>(targetPid: number, run: () => Promise<T>): Promise<{ result: T; cpu: CpuReading | null; requests: number }> {
  if (!cpuAccountingAvailable) return { result: await run(), cpu: null, requests: 0 };
  const before = read(targetPid);
  const result = await run();
  const after = read(targetPid);
  const spent = { target: after.target - before.target, postgres: spentSince(before.postgres, after.postgres), redis: spentSince(before.redis, after.redis), loadGenerator: after.loadGenerator - before.loadGenerator };
  return { result, cpu: spent, requests: result.requests };
}

/** Several accounted runs as one figure: CPU summed over them ÷ requests summed. */
export function perRequest(runs: ReadonlyArray<{ cpu: CpuReading | null; requests: number }>): CpuPerRequest | undefined {
  const requests = runs.reduce((n, r) => n + r.requests, 0);
  if (!requests || runs.some((r) => !r.cpu)) return undefined;
  const sum = (k: keyof CpuReading) => Math.round((1000 * runs.reduce((n, r) => n + r.cpu![k], 0)) / requests);
  return { target: sum('target'), postgres: sum('postgres'), redis: sum('redis'), loadGenerator: sum('loadGenerator') };
}

export const cpuTotal = (c: CpuPerRequest) => c.target + c.postgres + c.redis + c.loadGenerator;
