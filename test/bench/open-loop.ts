/**
 * Open-loop load: requests are sent on a fixed timetable (request i at start + i / rate), whether or not earlier
 * ones have answered, and each latency is measured from its SCHEDULED send time — so a server (or client) that
 * falls behind shows it in the percentiles instead of quietly lowering the offered rate (coordinated omission).
 */
import { failedCall, percentile } from './bench-kit.ts';

export interface OpenLoopResult {
  readonly name: string;
  readonly offeredPerSecond: number;
  readonly requests: number;
  readonly errors: number;
  /** Successful answers per second, from the first scheduled send to the last answer. */
  readonly achievedPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface ScheduleOutcome<L extends string> {
  readonly seconds: number;
  /** Latencies (ms from scheduled send, sorted) and error counts per label. */
  readonly byLabel: ReadonlyMap<L, { latencies: number[]; errors: number }>;
  /** How late the load generator itself sent, p99 (ms): large means the client box was saturated. */
  readonly sendLagP99: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends `rate × seconds` requests on the timetable; `label(i)` groups them (one operation per label). */
export async function runSchedule<L extends string>(rate: number, seconds: number, label: (i: number) => L, send: (i: number) => Promise<boolean>): Promise<ScheduleOutcome<L>> {
  const total = Math.round(rate * seconds);
  const byLabel = new Map<L, { latencies: number[]; errors: number }>();
  const lags: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  const due = (i: number) => start + (i * 1000) / rate;
  let last = start;
  for (let i = 0; i < total; ) {
    const now = performance.now();
    for (; i < total && due(i) <= now; i++) {
      const scheduled = due(i);
      const name = label(i);
      lags.push(now - scheduled);
      pending.push(
        send(i)
          .catch(failedCall)
          .then((ok) => {
            const done = performance.now();
            last = Math.max(last, done);
            let entry = byLabel.get(name);
            if (!entry) byLabel.set(name, (entry = { latencies: [], errors: 0 }));
            entry.latencies.push(done - scheduled);
            if (!ok) entry.errors++;
          }),
      );
    }
    if (i < total) await sleep(Math.max(0, due(i) - performance.now()));
  }
  await Promise.all(pending);
  for (const entry of byLabel.values()) entry.latencies.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  return { seconds: (last - start) / 1000, byLabel, sendLagP99: percentile(lags, 99) };
}

/** Summary of one label's latencies over `seconds`. */
export function summarise(name: string, offeredPerSecond: number, seconds: number, entry: { latencies: number[]; errors: number } | undefined): OpenLoopResult {
  const latencies = entry?.latencies ?? [];
  const errors = entry?.errors ?? 0;
  return {
    name,
    offeredPerSecond,
    requests: latencies.length,
    errors,
    achievedPerSecond: (latencies.length - errors) / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? NaN,
  };
}

/** One operation offered at `rate` for `seconds`, open loop. */
export async function offer(name: string, rate: number, seconds: number, send: (i: number) => Promise<boolean>): Promise<OpenLoopResult & { sendLagP99: number }> {
  const outcome = await runSchedule(rate, seconds, () => 'all', send);
  return { ...summarise(name, rate, outcome.seconds, outcome.byLabel.get('all')), sendLagP99: outcome.sendLagP99 };
}

export function formatOpenLoop(r: OpenLoopResult): string {
  return `${r.name.padEnd(44)} ${r.achievedPerSecond.toFixed(0).padStart(7)}/s   p50 ${r.p50.toFixed(2).padStart(7)} ms   p99 ${r.p99.toFixed(2).padStart(7)} ms   (open loop, ${r.offeredPerSecond}/s offered, ${r.requests} sent, ${r.errors} errors, max ${r.max.toFixed(0)} ms)`;
}
