import type { LoadResult } from './bench-kit.ts';

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** One phase measured over several rounds: medians of the rounds, totals, and each round's own figures. */
export interface RoundFigure {
  /** Requests (or payments) per second, latency p50 and p99 (ms): medians over the rounds. */
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  readonly errors: number;
  readonly byRound: ReadonlyArray<{ perSecond: number; p50: number; p99: number }>;
}

/** The rounds' figures summed up: medians of throughput and latency, request and error totals. */
export function roundFigure(runs: ReadonlyArray<{ readonly result: LoadResult }>): RoundFigure {
  return {
    perSecond: median(runs.map((r) => r.result.perSecond)),
    p50: median(runs.map((r) => r.result.p50)),
    p99: median(runs.map((r) => r.result.p99)),
    requests: runs.reduce((n, r) => n + r.result.requests, 0),
    errors: runs.reduce((n, r) => n + r.result.errors, 0),
    byRound: runs.map((r) => ({ perSecond: r.result.perSecond, p50: r.result.p50, p99: r.result.p99 })),
  };
}
