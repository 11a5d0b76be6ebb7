import { readFileSync } from 'node:fs';
import https from 'node:https';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
export { startVaultProcess } from '../support/vault-process.ts';
import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase, migrateDatabase, TEST_DATABASE_URL, withDatabase } from '../support/test-database.ts';

let thisRun: Promise<string> | undefined;

/**
 * This run's own database (`vault_bench_<random>`, fresh and migrated at first use, the same for every benchmark
 * of the run): every run starts from empty tables — a shared database that kept growing made each run's audit
 * inserts and verification slower than the last — and two runs on one machine never share one.
 */
export function benchDatabase(): Promise<string> {
  thisRun ??= (async () => {
    const url = withDatabase(TEST_DATABASE_URL, `vault_bench_${randomBytes(6).toString('hex')}`);
    await ensureDatabase(url);
    await migrateDatabase(url);
    return url;
  })();
  return thisRun;
}

/** Drops this run's database, if one was made. */
export async function dropBenchDatabase(): Promise<void> {
  if (thisRun) await dropDatabase(await thisRun);
}

export interface LoadResult {
  readonly name: string;
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))]!;
}

/** Why requests failed in this run (status and code, or the socket error), so a failure in a table has a cause. */
export const failureReasons = new Map<string, number>();
export function noteFailure(reason: string): void {
  failureReasons.set(reason, (failureReasons.get(reason) ?? 0) + 1);
}
export const failedCall = (err: unknown): false => {
  noteFailure(`error ${(err as { code?: string }).code ?? (err as Error).message ?? String(err)}`);
  return false;
};

/** Runs `count` calls of `one(i)` with `concurrency` in flight, timing each. */
export async function drive(name: string, count: number, concurrency: number, one: (i: number) => Promise<boolean>): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t0 = process.hrtime.bigint();
        const ok = await one(i).catch(failedCall);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (!ok) errors++;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return { name, requests: count, errors, seconds, perSecond: count / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

export function formatResult(r: LoadResult): string {
  return `${r.name.padEnd(44)} ${r.perSecond.toFixed(0).padStart(7)}/s   p50 ${r.p50.toFixed(2).padStart(7)} ms   p99 ${r.p99.toFixed(2).padStart(7)} ms   (${r.requests} in ${r.seconds.toFixed(2)} s, ${r.errors} errors)`;
}

/** A keep-alive HTTPS client trusting the example CA, optionally with a client certificate. */
export function httpsClient(base: string, clientFile?: string) {
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: 64,
    // An idle kept-alive socket is dropped by the client after 4 s, before the server's 5 s keep-alive timeout
    // (VAULT_KEEPALIVE_TIMEOUT_MS): otherwise a request sent on a socket the server is closing that very moment
    // fails with ECONNRESET — a client race, seen as 3 failed issues in an open-loop phase.
    timeout: 4_000,
    ca: readFileSync(keysExample('tls', 'ca.pem')),
    ...(clientFile
      ? { cert: readFileSync(keysExample('tls', 'clients', `${clientFile}.pem`)), key: readFileSync(keysExample('tls', 'clients', `${clientFile}-key.pem`)) }
      : {}),
  });
  return (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    new Promise<{ status: number; json: any }>((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = https.request(new URL(path, base), {
        method,
        agent,
        headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
}

