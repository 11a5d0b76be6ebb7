/**
 * `npm run bench -- ops`: store, list, issue and redeem against the vault and, in the same run with the same
 * clients and bodies, against the floor server (floor-server.ts: only each operation's unavoidable work on the
 * same stack). Per operation: closed loop at c=16 and c=64, then open loop at a fixed offered rate; vault and
 * floor alternate phase by phase so drift on a noisy machine hits both. Untimed: card-entry sessions for every
 * store, a short warm-up of each operation on each target, and fresh assertions between phases.
 */
import { benchDatabase, drive, formatResult, type LoadResult } from './bench-kit.ts';
import { closedFigure, openFigure, OPERATIONS, type ClosedLoopFigure, type Operation, type OperationFigures, type OpsSection, type TargetFigures } from './bench-results.ts';
import { recordedSettings, benchVaultSettings, startBenchVault } from './bench-vault.ts';
import { BenchUsers } from './bench-users.ts';
import { startFloorProcess } from './floor-process.ts';
import { formatOpenLoop, offer, runSchedule } from './open-loop.ts';
import { OpsTarget } from './ops-targets.ts';
import { addFloorTickets, openVaultTickets } from './store-tickets.ts';
import { grpcTokenFigures } from './grpc-tokens.ts';
import { accounted, perRequest } from './cpu-accounting.ts';

const N = Number(process.env['BENCH_OPS_REQUESTS'] ?? 2_000);
const OPEN_RATE = Number(process.env['BENCH_OPEN_RATE'] ?? 200);
const OPEN_SECONDS = Number(process.env['BENCH_OPEN_SECONDS'] ?? 10);
/**
 * Untimed, at the open-loop rate, right before the timed window: the keep-alive connections the previous phase
 * left idle have been closed by then (5 s), and the window is to measure steady state, not the burst of new
 * mutual-TLS handshakes (without it, the first ~0.3 s set the p99 of a 10 s window).
 */
const OPEN_WARM_SECONDS = Number(process.env['BENCH_OPEN_WARM_SECONDS'] ?? 2);
const CONCURRENCIES = [16, 64] as const;
/** Paired vault/floor rounds per concurrency; the ratio reported is their median. */
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Rounds of one target as one figure: requests/s over all of them; p50 and p99 the median of the rounds'. */
function pooled(runs: readonly LoadResult[]): LoadResult {
  const requests = runs.reduce((n, r) => n + r.requests, 0);
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  return {
    name: runs[0]!.name,
    requests,
    errors: runs.reduce((n, r) => n + r.errors, 0),
    seconds,
    perSecond: requests / seconds,
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
  };
}
/** Untimed, at the highest concurrency: JIT, pools and every keep-alive socket warm before the first timed run. */
const WARM_UP = Math.min(200, Math.max(64, Math.ceil(N / 10)));
/** Cards per user, so a list answers about this many rows. */
const CARDS_PER_USER = 10;
/** List is cheap: twice the requests, for a closed run of similar length. */
const REQUESTS: Record<Operation, number> = { store: N, list: 2 * N, issue: N, redeem: N };

function send(target: OpsTarget, op: Operation): (i: number) => Promise<boolean> {
  switch (op) {
    case 'store':
      return () => target.store();
    case 'list':
      return (i) => target.list(i);
    case 'issue':
      return (i) => target.issue(i);
    case 'redeem':
      return () => target.redeem();
  }
}

async function closedRun(users: BenchUsers, name: string, count: number, concurrency: number, one: (i: number) => Promise<boolean>): Promise<LoadResult> {
  await users.refresh();
  const result = await drive(name, count, concurrency, one);
  console.log(formatResult(result));
  return result;
}

async function measure(op: Operation, vault: OpsTarget, floor: OpsTarget): Promise<OperationFigures> {
  const targets = [vault, floor];
  for (const t of targets) await closedRun(t.users, `warm-up: ${t.name} ${op}`, WARM_UP, 64, send(t, op));
  const closed: Record<string, Record<string, ClosedLoopFigure>> = { vault: {}, floor: {} };
  const ratioByRound: Record<string, number[]> = {};
  for (const c of CONCURRENCIES) {
    // ROUNDS short vault/floor pairs instead of one long pair: a burst of noise on this shared box lands in one
    // round's ratio, and the median ratio leaves it out.
    const runs: Record<string, Array<Awaited<ReturnType<typeof accounted<LoadResult>>>>> = { vault: [], floor: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of targets) {
        await t.users.refresh();
        runs[t.name]!.push(await accounted(t.pid, () => closedRun(t.users, `${t.name} ${op} (c=${c}, round ${round + 1})`, Math.ceil(REQUESTS[op] / ROUNDS), c, send(t, op))));
      }
    }
    for (const t of targets) {
      const cpu = perRequest(runs[t.name]!);
      closed[t.name]![c] = closedFigure(pooled(runs[t.name]!.map((r) => r.result)), c, cpu);
      if (cpu) console.log(`  ${t.name} ${op} c=${c} CPU µs/request: ${t.name} ${cpu.target}, PostgreSQL ${cpu.postgres}, Redis ${cpu.redis}, load generator ${cpu.loadGenerator}`);
    }
    ratioByRound[c] = runs['vault']!.map((v, round) => v.result.perSecond / runs['floor']![round]!.result.perSecond);
  }
  const figures: Record<string, TargetFigures> = {};
  for (const t of targets) {
    await t.users.refresh();
    await runSchedule(OPEN_RATE, OPEN_WARM_SECONDS, () => 'warm-up', send(t, op));
    const r = await offer(`${t.name} ${op} (open loop)`, OPEN_RATE, OPEN_SECONDS, send(t, op));
    console.log(formatOpenLoop(r));
    figures[t.name] = { closed: closed[t.name]!, open: openFigure(r, OPEN_SECONDS) };
  }
  const ratio = Object.fromEntries(CONCURRENCIES.map((c) => [String(c), median(ratioByRound[c]!)]));
  console.log(`${op}: vault ÷ floor (median of ${ROUNDS} rounds) = ${CONCURRENCIES.map((c) => `${ratio[c]!.toFixed(2)} at c=${c} [${ratioByRound[c]!.map((r) => r.toFixed(2)).join(' ')}]`).join(', ')}\n`);
  return { vault: figures['vault']!, floor: figures['floor']!, ratio, ratioByRound };
}

export async function benchOps(): Promise<{ ops: OpsSection; failures: string[] }> {
  const url = await benchDatabase();
  const vaultProcess = await startBenchVault(url);
  const floorProcess = await startFloorProcess(url).catch(async (err: unknown) => {
    await vaultProcess.stop();
    throw err;
  });
  try {
    // Every store (warm-ups, both closed runs, the open run) gets a ticket; users get CARDS_PER_USER cards each.
    const stores = WARM_UP + CONCURRENCIES.length * ROUNDS * Math.ceil(N / ROUNDS) + OPEN_RATE * (OPEN_WARM_SECONDS + OPEN_SECONDS);
    const users = new BenchUsers('ops', Math.ceil(stores / CARDS_PER_USER), 'bench-ops');
    const userOf = (k: number) => k % users.users.length;
    const salt = Date.now();
    const vault = new OpsTarget('vault', vaultProcess, users, salt);
    const floor = new OpsTarget('floor', floorProcess, users, salt);
    console.log(`\nops: ${N} requests per closed run (list ${REQUESTS.list}), open loop ${OPEN_RATE}/s for ${OPEN_SECONDS} s; ${users.users.length} users`);
    await openVaultTickets(vault, stores, userOf);
    addFloorTickets(floor, stores, userOf);

    await closedRun(users, `warm-up: floor empty`, WARM_UP, 64, () => floor.empty());
    const emptyFloor: Record<string, ClosedLoopFigure> = {};
    for (const c of CONCURRENCIES) emptyFloor[c] = closedFigure(await closedRun(users, `floor empty (c=${c})`, 2 * N, c, () => floor.empty()), c);
    console.log('');

    const operations = {} as Record<Operation, OperationFigures>;
    for (const op of OPERATIONS) operations[op] = await measure(op, vault, floor);

    await users.refresh();
    const grpc = await grpcTokenFigures(vaultProcess.grpcTarget, vault, N, 16);

    const failures: string[] = [];
    for (const op of OPERATIONS) {
      for (const t of ['vault', 'floor'] as const) {
        const f = operations[op][t];
        const errors = Object.values(f.closed).reduce((n, r) => n + r.errors, 0) + f.open.errors;
        if (errors) failures.push(`${t} ${op}: ${errors} failed requests`);
      }
    }
    if (grpc.issue.errors || grpc.redeem.errors) failures.push(`gRPC: ${grpc.issue.errors + grpc.redeem.errors} failed calls`);
    const ops: OpsSection = {
      requestsPerClosedRun: REQUESTS,
      operations,
      emptyFloor,
      grpc,
      vaultSettings: recordedSettings(benchVaultSettings(url)),
    };
    return { ops, failures };
  } finally {
    await Promise.all([vaultProcess.stop(), floorProcess.stop()]);
  }
}
