/**
 * `npm run bench -- load-shape`: the vault under a constant offered load, open loop — 300 requests/s for 60 s
 * (BENCH_LOAD_RATE, BENCH_LOAD_SECONDS), mixed 10 % store, 60 % list, 20 % issue, 10 % redeem — reporting
 * p50/p99 per operation and the errors (there must be none). Untimed setup: users with ten cards each (listed,
 * and the cards issued against), a card-entry session for every timed store, and a token for every timed redeem.
 */
import { benchDatabase, drive } from './bench-kit.ts';
import { OPERATIONS, type LoadShapeSection, type Operation } from './bench-results.ts';
import { benchVaultSettings, recordedSettings, startBenchVault } from './bench-vault.ts';
import { BenchUsers } from './bench-users.ts';
import { runSchedule, summarise } from './open-loop.ts';
import { OpsTarget } from './ops-targets.ts';
import { openVaultTickets } from './store-tickets.ts';

const RATE = Number(process.env['BENCH_LOAD_RATE'] ?? 300);
const SECONDS = Number(process.env['BENCH_LOAD_SECONDS'] ?? 60);
/** Ten slots, repeated: 1 store, 6 list, 2 issue, 1 redeem, spread out. */
const PATTERN: readonly Operation[] = ['list', 'store', 'list', 'issue', 'list', 'redeem', 'list', 'issue', 'list', 'list'];
const LIST_USERS = 50;
const CARDS_PER_USER = 10;

const share = (op: Operation) => PATTERN.filter((p) => p === op).length / PATTERN.length;

async function setupStep(name: string, count: number, one: (i: number) => Promise<boolean>): Promise<void> {
  const r = await drive(name, count, 16, one);
  if (r.errors) throw new Error(`${name}: ${r.errors} of ${count} failed`);
}

export async function benchLoadShape(): Promise<{ loadShape: LoadShapeSection; failures: string[] }> {
  const url = await benchDatabase();
  const vaultProcess = await startBenchVault(url);
  try {
    const total = Math.round(RATE * SECONDS);
    const timed = (op: Operation) => Array.from({ length: total }, (_, i) => i).filter((i) => PATTERN[i % PATTERN.length] === op).length;
    const setupStores = LIST_USERS * CARDS_PER_USER;
    // Users 0..LIST_USERS-1 are listed (ten cards each); timed stores go to further users, ten each.
    const users = new BenchUsers('load', LIST_USERS + Math.ceil(timed('store') / CARDS_PER_USER), 'bench-load');
    const vault = new OpsTarget('vault', vaultProcess, users, Date.now());
    console.log(`\nload shape: ${RATE}/s offered for ${SECONDS} s (${total} requests), ${PATTERN.join(' ')} …`);
    await openVaultTickets(vault, setupStores + timed('store'), (k) => (k < setupStores ? k % LIST_USERS : LIST_USERS + Math.floor((k - setupStores) / CARDS_PER_USER)));
    await setupStep('setup: cards', setupStores, () => vault.store());
    await setupStep('setup: tokens to redeem', timed('redeem'), (i) => vault.issue(i));

    await users.refresh();
    const outcome = await runSchedule(RATE, SECONDS, (i) => PATTERN[i % PATTERN.length]!, (i) => {
      switch (PATTERN[i % PATTERN.length]!) {
        case 'store':
          return vault.store();
        case 'list':
          return vault.list(i % LIST_USERS);
        case 'issue':
          return vault.issue(i);
        case 'redeem':
          return vault.redeem();
      }
    });

    const operations = {} as Record<Operation, LoadShapeSection['operations'][Operation]>;
    for (const op of OPERATIONS) {
      const r = summarise(op, RATE * share(op), outcome.seconds, outcome.byLabel.get(op));
      operations[op] = { share: share(op), requests: r.requests, errors: r.errors, p50: r.p50, p99: r.p99, max: r.max };
      console.log(`${`load shape: ${op}`.padEnd(44)} ${String(r.requests).padStart(7)} sent   p50 ${r.p50.toFixed(2).padStart(7)} ms   p99 ${r.p99.toFixed(2).padStart(7)} ms   max ${r.max.toFixed(0)} ms   ${r.errors} errors`);
    }
    const errors = OPERATIONS.reduce((n, op) => n + operations[op].errors, 0);
    const loadShape: LoadShapeSection = {
      offeredPerSecond: RATE,
      seconds: SECONDS,
      requests: total,
      errors,
      achievedPerSecond: (total - errors) / outcome.seconds,
      sendLagP99: outcome.sendLagP99,
      operations,
      vaultSettings: recordedSettings(benchVaultSettings(url)),
    };
    console.log(`load shape: achieved ${loadShape.achievedPerSecond.toFixed(0)}/s, ${errors} errors, send lag p99 ${outcome.sendLagP99.toFixed(1)} ms`);
    return { loadShape, failures: errors ? [`load shape: ${errors} failed requests`] : [] };
  } finally {
    await vaultProcess.stop();
  }
}
