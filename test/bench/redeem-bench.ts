/**
 * `npm run bench -- redeem`: what making single use and revocation durable (issue 25) costs a redeem, and a token
 * issue. Two compiled vaults run at once (commit-build.ts): A, the commit before the change (BENCH_REDEEM_BASE,
 * default c2688c0), and B, after it (BENCH_REDEEM_HEAD, default HEAD), on this machine, against the same PostgreSQL
 * server (a fresh database each, migrated by its own build) and the same Redis (each vault's keys under its own
 * database's namespace), with `benchVaultSettings` (bench-vault.ts) and the same clients.
 *
 *   A's redeem: one Redis script (claim and epoch check), then the audit insert (autocommit).
 *   B's redeem: a Redis CLAIM script, then ONE PostgreSQL transaction — the token's epochs read from
 *     revocation_epochs, a token_redemptions row inserted (primary key: the token id), the audit insert.
 *   B's issue reads the epochs from PostgreSQL instead of Redis.
 *
 * Timed: per round, redeem over HTTPS at c=1 and c=16, redeem over gRPC at c=1 and c=16, issue over HTTPS at c=1 and
 * c=16, each run by A and by B one after the other (A then B in even rounds, B then A in odd ones, so a drift of the
 * machine falls on both). Every token redeemed was issued before its run, untimed (topped up at the start of each
 * round; a timed issue's tokens are redeemed in later rounds). Each figure is the median over the rounds; each
 * B ÷ A the median of the rounds' ratios. CPU per request from /proc over the timed runs: the vault, its own
 * database's PostgreSQL backends (database-activity.ts), every postgres process, Redis, the load generator.
 *
 * Counted, untimed: the cost of the durable step. Each vault carries round-trip-hook.mjs; over BENCH_REDEEM_COUNTED
 * redeems (HTTPS, c=1) and half as many issues per build it counts every PostgreSQL statement and Redis command and
 * the time from sending each to its answer, while pg_stat_database / pg_stat_user_tables of each database are read
 * around the same windows, less what the idle vault does meanwhile (its readiness ping, once a second: measured over
 * an idle window first). Writes bench/results/<date>-<commit>-redeem.md and .json. Sizes: BENCH_REDEEM_ROUNDS
 * (default 5), BENCH_REDEEM_REQUESTS (requests per run at c=16, default 1000; a quarter at c=1), BENCH_REDEEM_COUNTED
 * (default 400).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { VaultClient } from '../../services/vault/src/grpc/generated/vault/v1/Vault.ts';
import { call, vaultClient } from '../support/grpc-client.ts';
import { dropDatabase, ensureDatabase, TEST_DATABASE_URL, withDatabase } from '../support/test-database.ts';
import type { VaultProcess } from '../support/vault-process.ts';
import { drive, formatResult, httpsClient, noteFailure, type LoadResult } from './bench-kit.ts';
import { RESULTS_DIR, runFacts } from './bench-results.ts';
import { benchVaultSettings, recordedSettings, startBenchVault } from './bench-vault.ts';
import { BenchUsers } from './bench-users.ts';
import { commitBuild, commitsBetween, type CommitBuild } from './commit-build.ts';
import { accounted, perRequest } from './cpu-accounting.ts';
import { backendCpu, backendCpuSpent, DATABASE_COUNTERS, databaseStats, settle, STATS_SETTLE_MS, statsSpent, type DatabaseStats } from './database-activity.ts';
import { bodies, OpsTarget } from './ops-targets.ts';
import { BUILDS, OPS, r2, renderRedeemMarkdown, sum, type Build, type BuildFigure, type CountedFigures, type Op, type OpFigures, type RedeemResults, type RoundTrips } from './redeem-results.ts';
import { openVaultTickets } from './store-tickets.ts';
import { median, roundFigure } from './round-figures.ts';

const BASE_REF = process.env['BENCH_REDEEM_BASE'] ?? 'c2688c0';
const HEAD_REF = process.env['BENCH_REDEEM_HEAD'] ?? 'HEAD';
const ROUNDS = Number(process.env['BENCH_REDEEM_ROUNDS'] ?? 5);
const PER_RUN_C16 = Number(process.env['BENCH_REDEEM_REQUESTS'] ?? 1000);
const CONCURRENCIES = [1, 16] as const;
const PER_RUN: Record<number, number> = { 1: Math.max(50, Math.ceil(PER_RUN_C16 / 4)), 16: PER_RUN_C16 };
const COUNTED = Number(process.env['BENCH_REDEEM_COUNTED'] ?? 400);
/** Untimed, per operation and build, at c=16, before the first round. */
const WARM_UP = 300;
const USERS = 32;
const CARDS_PER_USER = 2;
const HOOK = path.join(import.meta.dirname, 'round-trip-hook.mjs');
/**
 * Beyond `benchVaultSettings`, for both builds. The gRPC listener's idle-socket timer (VAULT_IDLE_SOCKET_TIMEOUT_MS,
 * default 30 s) is armed on the raw TCP socket, which sees no activity once grpc-js's HTTP/2 session reads the TLS
 * stream: it cuts a busy connection 30 s after it opened, and every call in flight fails UNAVAILABLE "Connection
 * dropped" (16 at a time at c=16 in this benchmark's first runs; with 3 s, reproduced on a connection kept busy at
 * c=16). A run here is shorter than the maximum, so no connection is cut under a timed run.
 */
const REDEEM_SETTINGS = { VAULT_IDLE_SOCKET_TIMEOUT_MS: '600000' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One build's vault, its database, and the clients that drive it. */
class Side {
  readonly #processor: ReturnType<typeof httpsClient>;
  readonly #grpc: VaultClient;
  #nextToken = 0;
  #nextCard = 0;

  constructor(
    readonly build: Build,
    readonly code: CommitBuild,
    readonly url: string,
    readonly vault: VaultProcess,
    readonly target: OpsTarget,
    readonly roundTripFile: string,
  ) {
    this.#processor = httpsClient(vault.internalUrl, 'processor-xero-payments');
    this.#grpc = vaultClient(vault.grpcTarget, 'processor-xero-payments');
  }

  get tokensLeft(): number {
    return this.target.tokens.length - this.#nextToken;
  }

  /** One request of `op`: a redeem takes the next token never presented; an issue the next card, round robin. */
  one(op: Op): () => Promise<boolean> {
    if (op === 'issue-https') return () => this.target.issue(this.#nextCard++);
    return async () => {
      const token = this.target.tokens[this.#nextToken++];
      if (!token) return this.#failed(op, 'out of tokens');
      if (op === 'redeem-https') {
        const res = await this.#processor('POST', '/v1/payment-tokens/redeem', {}, bodies.redeem(token));
        return res.status === 200 || this.#failed(op, `${res.status} ${res.json?.code ?? ''}`);
      }
      const res = await call(this.#grpc, 'RedeemPaymentToken', bodies.redeem(token));
      return res.error === null || this.#failed(op, `${res.error.code} ${res.vaultCode ?? res.error.details}`);
    };
  }

  /** Issues tokens, untimed (c=16), until `n` are waiting to be redeemed. */
  async topUp(n: number): Promise<void> {
    const missing = n - this.tokensLeft;
    if (missing <= 0) return;
    await this.target.users.refresh();
    const r = await drive(`${this.build} setup: issue tokens`, missing, 16, this.one('issue-https'));
    if (r.errors) throw new Error(`setup: ${r.errors} of ${missing} token issues by ${this.build} failed`);
  }

  close(): void {
    this.#grpc.close();
  }

  #failed(op: Op, why: string): false {
    noteFailure(`${this.build} ${op} ${why.trim()}`);
    return false;
  }
}

interface TimedRun {
  readonly result: LoadResult;
  readonly cpu: Parameters<typeof perRequest>[0][number]['cpu'];
  readonly requests: number;
  /** CPU (ms) of this build's database's own backends over the run. */
  readonly databaseBackendMs: number;
}

async function timedRun(side: Side, op: Op, c: number, n: number, round: number): Promise<TimedRun> {
  await side.target.users.refresh();
  const before = await backendCpu(side.url);
  const r = await accounted(side.vault.pid, () => drive(`${side.build} ${op} (c=${c}, round ${round + 1})`, n, c, side.one(op)));
  const after = await backendCpu(side.url);
  console.log(formatResult(r.result));
  return { ...r, databaseBackendMs: backendCpuSpent(before, after) };
}

function buildFigure(runs: readonly TimedRun[]): BuildFigure {
  const cpu = perRequest(runs);
  const requests = runs.reduce((n, r) => n + r.requests, 0);
  return {
    ...roundFigure(runs),
    requests,
    ...(cpu ? { cpuPerRequestUs: cpu } : {}),
    databaseBackendUs: Math.round((1000 * runs.reduce((n, r) => n + r.databaseBackendMs, 0)) / requests),
  };
}

async function waitForFile(file: string): Promise<void> {
  for (let i = 0; i < 100 && !existsSync(file); i++) await sleep(50);
  if (!existsSync(file)) throw new Error(`the vault's round-trip hook wrote nothing to ${file}`);
}

/** `n` requests of `op` at c=1 with the hook counting in `side`'s vault: per request, what it sent. */
async function countedWindow(side: Side, op: Op, n: number): Promise<{ postgres: RoundTrips; redis: RoundTrips; transactions: CountedFigures['transactions']; errors: number }> {
  rmSync(side.roundTripFile, { force: true });
  await side.target.users.refresh();
  process.kill(side.vault.pid, 'SIGUSR2');
  await sleep(200);
  const r = await drive(`${side.build} ${op} (counted, c=1)`, n, 1, side.one(op));
  process.kill(side.vault.pid, 'SIGUSR2');
  await waitForFile(side.roundTripFile);
  const seen = JSON.parse(readFileSync(side.roundTripFile, 'utf8')) as { postgres: RoundTrips; redis: RoundTrips; transactions: CountedFigures['transactions'] };
  rmSync(side.roundTripFile, { force: true });
  const per = (t: RoundTrips): RoundTrips => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, { count: v.count / n, ms: v.ms / n }]));
  return { postgres: per(seen.postgres), redis: per(seen.redis), transactions: { committed: seen.transactions.committed / n, rolledBack: seen.transactions.rolledBack / n }, errors: r.errors };
}

/** The database's statistics spent over [before, after], less the idle rate, per request. */
function perRequestStats(before: DatabaseStats, after: DatabaseStats, idle: ReturnType<typeof statsSpent>, n: number): Pick<CountedFigures, 'database' | 'tables'> {
  const spent = statsSpent(before, after);
  const background = spent.seconds / idle.seconds;
  const database = Object.fromEntries(
    DATABASE_COUNTERS.map((k) => [k === 'active_time' ? 'active_time_us' : k, ((spent.database[k] - background * idle.database[k]) / n) * (k === 'active_time' ? 1000 : 1)]),
  );
  const tables: Record<string, Record<string, number>> = {};
  for (const [name, t] of Object.entries(spent.tables)) {
    const i = idle.tables[name];
    // Under 0.02 per request is the background's rounding (a purge, a probe), not the request's.
    const row = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, (v - background * (i?.[k as keyof typeof t] ?? 0)) / n]).filter(([, v]) => Math.abs(v as number) >= 0.02));
    if (Object.keys(row).length) tables[name] = row;
  }
  return { database, tables };
}

async function startSide(build: Build, code: CommitBuild, salt: number): Promise<Side> {
  const url = withDatabase(TEST_DATABASE_URL, `vault_bench_${randomBytes(5).toString('hex')}_${build.toLowerCase()}`);
  await ensureDatabase(url);
  let vault: VaultProcess | undefined;
  try {
    code.migrate(url);
    const roundTripFile = path.join(os.tmpdir(), `vault-bench-round-trips-${process.pid}-${build}.json`);
    vault = await startBenchVault(url, { entry: code.entry, args: ['--import', HOOK], env: { ...REDEEM_SETTINGS, BENCH_ROUND_TRIP_FILE: roundTripFile } });
    const users = new BenchUsers(`rdb-${build.toLowerCase()}`, USERS, `bench-redeem-${build.toLowerCase()}`);
    const target = new OpsTarget('vault', vault, users, salt);
    const cardCount = USERS * CARDS_PER_USER;
    await openVaultTickets(target, cardCount, (k) => k % USERS);
    const stored = await drive(`${build} setup: store cards`, cardCount, 16, () => target.store());
    if (stored.errors) throw new Error(`setup: ${stored.errors} of ${cardCount} cards were refused by ${build}`);
    return new Side(build, code, url, vault, target, roundTripFile);
  } catch (err) {
    await vault?.stop();
    await dropDatabase(url).catch(() => {});
    throw err;
  }
}

export async function benchRedeem(): Promise<{ failures: string[] }> {
  const codes = { A: commitBuild(BASE_REF), B: commitBuild(HEAD_REF) };
  const salt = Date.now();
  const sides: Side[] = [];
  try {
    for (const build of BUILDS) sides.push(await startSide(build, codes[build], salt));
    const [A, B] = sides as [Side, Side];
    const bySide = { A, B };
    const perRound = CONCURRENCIES.reduce((n, c) => n + PER_RUN[c]!, 0);
    console.log(`\nredeem: A ${codes.A.short}, B ${codes.B.short}; ${ROUNDS} rounds, ${CONCURRENCIES.map((c) => `${PER_RUN[c]} requests per run at c=${c}`).join(', ')}`);

    // Warm-up, untimed: each operation by each build at c=16.
    for (const side of sides) {
      await side.topUp(2 * WARM_UP);
      for (const op of OPS) await drive(`${side.build} warm-up ${op}`, WARM_UP, 16, side.one(op));
    }

    const runs = new Map<string, TimedRun[]>();
    const key = (op: Op, c: number, build: Build) => `${op}/${c}/${build}`;
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of sides) await side.topUp(2 * perRound);
      const order = round % 2 === 0 ? [A, B] : [B, A];
      for (const op of OPS) {
        for (const c of CONCURRENCIES) {
          for (const side of order) {
            const run = await timedRun(side, op, c, PER_RUN[c]!, round);
            runs.set(key(op, c, side.build), [...(runs.get(key(op, c, side.build)) ?? []), run]);
          }
        }
      }
    }
    const timed: OpFigures[] = [];
    for (const op of OPS) {
      for (const c of CONCURRENCIES) {
        const [ra, rb] = [runs.get(key(op, c, 'A'))!, runs.get(key(op, c, 'B'))!];
        const ratioByRound = ra.map((a, i) => {
          const b = rb[i]!.result;
          return { perSecond: b.perSecond / a.result.perSecond, p50: b.p50 / a.result.p50, p99: b.p99 / a.result.p99 };
        });
        const ratio = { perSecond: median(ratioByRound.map((x) => x.perSecond)), p50: median(ratioByRound.map((x) => x.p50)), p99: median(ratioByRound.map((x) => x.p99)) };
        timed.push({ op, concurrency: c, requestsPerRun: PER_RUN[c]!, builds: { A: buildFigure(ra), B: buildFigure(rb) }, ratio, ratioByRound });
        console.log(`${op} c=${c}: B ÷ A req/s ${r2(ratio.perSecond)}, p50 ${r2(ratio.p50)}, p99 ${r2(ratio.p99)} [req/s by round: ${ratioByRound.map((x) => r2(x.perSecond)).join(' ')}]`);
      }
    }

    // Counted: tokens first, then an idle window (the vault's own background), then redeems, then issues.
    console.log(`\ncounting round trips (untimed; waits about ${(4 * STATS_SETTLE_MS) / 1000} s for PostgreSQL's statistics to settle)…`);
    for (const side of sides) await side.topUp(COUNTED);
    await settle();
    const s0 = { A: await databaseStats(A.url), B: await databaseStats(B.url) };
    await settle();
    const s1 = { A: await databaseStats(A.url), B: await databaseStats(B.url) };
    const redeemTrips = { A: await countedWindow(A, 'redeem-https', COUNTED), B: await countedWindow(B, 'redeem-https', COUNTED) };
    await settle();
    const s2 = { A: await databaseStats(A.url), B: await databaseStats(B.url) };
    const issued = Math.max(50, Math.round(COUNTED / 2));
    const issueTrips = { A: await countedWindow(A, 'issue-https', issued), B: await countedWindow(B, 'issue-https', issued) };
    await settle();
    const s3 = { A: await databaseStats(A.url), B: await databaseStats(B.url) };
    const counted = { redeem: {} as Record<Build, CountedFigures>, issue: {} as Record<Build, CountedFigures> };
    for (const build of BUILDS) {
      const idle = statsSpent(s0[build], s1[build]);
      const idlePerSecond = Object.fromEntries(DATABASE_COUNTERS.map((k) => [k, idle.database[k] / idle.seconds]));
      counted.redeem[build] = { requests: COUNTED, transactions: redeemTrips[build].transactions, postgres: redeemTrips[build].postgres, redis: redeemTrips[build].redis, ...perRequestStats(s1[build], s2[build], idle, COUNTED), idlePerSecond };
      counted.issue[build] = { requests: issued, transactions: issueTrips[build].transactions, postgres: issueTrips[build].postgres, redis: issueTrips[build].redis, ...perRequestStats(s2[build], s3[build], idle, issued), idlePerSecond };
    }

    const failures: string[] = [];
    for (const f of timed) for (const b of BUILDS) if (f.builds[b].errors) failures.push(`${b} ${f.op} c=${f.concurrency}: ${f.builds[b].errors} failed`);
    for (const [op, trips] of [['redeem', redeemTrips], ['issue', issueTrips]] as const) {
      for (const b of BUILDS) {
        if (trips[b].errors) failures.push(`${b} ${op} (counted): ${trips[b].errors} failed`);
        if (sum(trips[b].postgres).count < 1) failures.push(`${b} ${op} (counted): the hook saw no PostgreSQL statement (is node_modules shared?)`);
      }
    }
    const auditVerify = { A: codes.A.verifyAudit(A.url), B: codes.B.verifyAudit(B.url) };
    for (const b of BUILDS) if (!auditVerify[b].ok) failures.push(`the audit chain of ${b}'s database does not verify`);

    // Named after B, the build measured (the checkout's HEAD may have moved on during the run).
    const facts = { ...runFacts(), commit: codes.B.short };
    const results: RedeemResults = {
      ...facts,
      builds: { A: { ref: codes.A.ref, sha: codes.A.sha, subject: codes.A.subject }, B: { ref: codes.B.ref, sha: codes.B.sha, subject: codes.B.subject } },
      changes: commitsBetween(codes.A.sha, codes.B.sha, ['services', 'prisma']),
      rounds: ROUNDS,
      users: USERS,
      cards: USERS * CARDS_PER_USER,
      timed,
      counted,
      auditVerify,
      failures,
      vaultSettings: recordedSettings({ ...benchVaultSettings(bySide.B.url), ...REDEEM_SETTINGS }),
    };
    const md = renderRedeemMarkdown(results);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const base = path.join(RESULTS_DIR, `${facts.date}-${facts.commit}-redeem`);
    writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(`${base}.md`, md);
    console.log(`\n${md}\nwritten: ${base}.json\n         ${base}.md`);
    return { failures };
  } finally {
    for (const side of sides) {
      side.close();
      await side.vault.stop();
      await dropDatabase(side.url).catch(() => {});
    }
  }
}
