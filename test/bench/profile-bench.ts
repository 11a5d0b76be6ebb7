/**
 * `npm run bench -- profile`: where each operation's CPU goes, in the vault and in the floor, side by side. Both
 * run as in `ops` (their own processes, the same clients and bodies) with a hook (profile-hook.mjs) that profiles
 * only the timed closed run (c=16, BENCH_PROFILE_REQUESTS per operation); each profile is cut into concerns
 * (profile-concerns.ts) and reported as µs per request, vault beside floor, so the gap between them reads as
 * what each of the vault's own steps costs. Then per operation an open-loop run at BENCH_OPEN_RATE with the hook
 * measuring GC pauses and event-loop delay instead (no profiler): the tail latency beside what the process itself
 * could have added to it. The raw profiles stay in a temporary folder (printed) for DevTools.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDatabase, drive, formatResult } from './bench-kit.ts';
import { OPERATIONS, RESULTS_DIR, runFacts, type Operation } from './bench-results.ts';
import { startBenchVault, vaultFromSources } from './bench-vault.ts';
import { BenchUsers } from './bench-users.ts';
import { startFloorProcess } from './floor-process.ts';
import { OpsTarget } from './ops-targets.ts';
import { concernTimes, type CpuProfile } from './profile-concerns.ts';
import { offer, runSchedule } from './open-loop.ts';
import { addFloorTickets, openVaultTickets } from './store-tickets.ts';

const N = Number(process.env['BENCH_PROFILE_REQUESTS'] ?? 4_000);
const WARM_UP = 400;
const CONCURRENCY = 16;
const CARDS_PER_USER = 10;
const HOOK = path.join(import.meta.dirname, 'profile-hook.mjs');
const OPEN_RATE = Number(process.env['BENCH_OPEN_RATE'] ?? 200);
const OPEN_SECONDS = Number(process.env['BENCH_OPEN_SECONDS'] ?? 10);

interface TailStats {
  readonly p99: number;
  readonly max: number;
  readonly gcPauses: number;
  readonly gcPauseP99Ms: number;
  readonly gcPauseMaxMs: number;
  readonly gcTotalMs: number;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
}

/**
 * An open-loop run (OPEN_RATE for OPEN_SECONDS, after 2 s of warm-up) with the hook in `stats` mode: the latency the
 * client saw beside the target process's own GC pauses and event-loop delay over the same window — what of a tail
 * the process itself can explain.
 */
async function tailRun(target: OpsTarget, op: Operation, file: string): Promise<TailStats> {
  writeFileSync(`${file}.mode`, 'stats');
  try {
    await target.users.refresh();
    await runSchedule(OPEN_RATE, 2, () => 'warm-up', send(target, op));
    process.kill(target.pid, 'SIGUSR2');
    await new Promise((r) => setTimeout(r, 100));
    const r = await offer(`${target.name} ${op} (open loop, stats)`, OPEN_RATE, OPEN_SECONDS, send(target, op));
    process.kill(target.pid, 'SIGUSR2');
    await waitForFile(file);
    const stats = JSON.parse(readFileSync(file, 'utf8')) as Omit<TailStats, 'p99' | 'max'>;
    rmSync(file);
    return { p99: r.p99, max: r.max, ...stats };
  } finally {
    rmSync(`${file}.mode`, { force: true });
  }
}

function tailTable(rows: ReadonlyArray<{ op: Operation; target: string; stats: TailStats }>): string {
  const f = (x: number) => x.toFixed(1);
  return [
    `**Open-loop tails** (${OPEN_RATE} requests/s for ${OPEN_SECONDS} s; latency from the scheduled send, ms; the target process's own GC pauses and event-loop delay over the same window, ms — the loop delay includes its 1 ms sampling resolution)`,
    '',
    '| operation | target | p99 | max | GC pauses | GC p99 / max | GC total | loop delay p99 / max |',
    '| --- | --- | --: | --: | --: | --: | --: | --: |',
    ...rows.map(({ op, target, stats: s }) => `| ${op} | ${target} | ${f(s.p99)} | ${f(s.max)} | ${s.gcPauses} | ${f(s.gcPauseP99Ms)} / ${f(s.gcPauseMaxMs)} | ${f(s.gcTotalMs)} | ${f(s.loopDelayP99Ms)} / ${f(s.loopDelayMaxMs)} |`),
    '',
  ].join('\n');
}

/** µs per request by concern, for one operation on one target. */
type Breakdown = Record<string, number>;

function send(target: OpsTarget, op: Operation): (i: number) => Promise<boolean> {
  if (op === 'store') return () => target.store();
  if (op === 'list') return (i) => target.list(i);
  if (op === 'issue') return (i) => target.issue(i);
  return () => target.redeem();
}

async function waitForFile(file: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`no profile was written to ${file}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Profiles `N` calls of `op` on `target` (after an untimed warm-up); returns µs per request by concern. */
async function profileRun(target: OpsTarget, op: Operation, file: string): Promise<{ breakdown: Breakdown; errors: number }> {
  await target.users.refresh();
  await drive(`warm-up: ${target.name} ${op}`, WARM_UP, CONCURRENCY, send(target, op));
  process.kill(target.pid, 'SIGUSR2');
  await new Promise((r) => setTimeout(r, 200)); // the profiler starts on the target's next turn of its loop
  const result = await drive(`${target.name} ${op} (c=${CONCURRENCY}, profiled)`, N, CONCURRENCY, send(target, op));
  process.kill(target.pid, 'SIGUSR2');
  console.log(formatResult(result));
  await waitForFile(file);
  const times = concernTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  return { breakdown: Object.fromEntries([...times].map(([concern, us]) => [concern, us / N])), errors: result.errors };
}

function table(op: Operation, vault: Breakdown, floor: Breakdown): string {
  const concerns = [...new Set([...Object.keys(vault), ...Object.keys(floor)])];
  const total = (b: Breakdown) => Object.values(b).reduce((a, x) => a + x, 0);
  concerns.sort((a, b) => (vault[b] ?? 0) - (floor[b] ?? 0) - ((vault[a] ?? 0) - (floor[a] ?? 0)));
  const us = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(0));
  const rows = concerns.map((c) => `| ${c} | ${us(vault[c])} | ${us(floor[c])} | ${((vault[c] ?? 0) - (floor[c] ?? 0)).toFixed(0)} |`);
  return [
    `**${op}** (µs of the process's CPU per request; sorted by the vault's extra cost)`,
    '',
    '| concern | vault | floor | vault − floor |',
    '| --- | --: | --: | --: |',
    ...rows,
    `| **total** | **${total(vault).toFixed(0)}** | **${total(floor).toFixed(0)}** | **${(total(vault) - total(floor)).toFixed(0)}** |`,
    '',
  ].join('\n');
}

export async function benchProfile(): Promise<{ failures: string[] }> {
  const url = await benchDatabase();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vault-profile-'));
  const hook = (name: string) => ({ args: ['--import', HOOK], env: { BENCH_PROFILE_FILE: path.join(dir, name) } });
  const files: Record<'vault' | 'floor', (op: Operation) => string> = {
    vault: (op) => path.join(dir, `vault-${op}.cpuprofile`),
    floor: (op) => path.join(dir, `floor-${op}.cpuprofile`),
  };
  // The hook writes to one file name per process; each run's profile is moved to its operation's name.
  const vaultProcess = await startBenchVault(url, hook('vault.cpuprofile'));
  const floorProcess = await startFloorProcess(url, hook('floor.cpuprofile')).catch(async (err: unknown) => {
    await vaultProcess.stop();
    throw err;
  });
  const failures: string[] = [];
  try {
    // Stores: the profiled run and its warm-up, then the open-loop run and its warm-up.
    const stores = 2 * WARM_UP + N + OPEN_RATE * (OPEN_SECONDS + 2);
    const users = new BenchUsers('profile', Math.ceil(stores / CARDS_PER_USER), 'bench-profile');
    const userOf = (k: number) => k % users.users.length;
    const salt = Date.now();
    const targets = { vault: new OpsTarget('vault', vaultProcess, users, salt), floor: new OpsTarget('floor', floorProcess, users, salt) };
    await openVaultTickets(targets.vault, stores, userOf);
    addFloorTickets(targets.floor, stores, userOf);
    // Redeem needs a token per call: issue's own run leaves N + WARM_UP, the redeem's warm-up and run take them.
    const sections: string[] = [];
    const tails: Array<{ op: Operation; target: string; stats: TailStats }> = [];
    for (const op of OPERATIONS) {
      const figures = {} as Record<'vault' | 'floor', Breakdown>;
      for (const name of ['vault', 'floor'] as const) {
        const file = path.join(dir, `${name}.cpuprofile`);
        const { breakdown, errors } = await profileRun(targets[name], op, file);
        renameSync(file, files[name](op));
        if (errors) failures.push(`${name} ${op}: ${errors} failed requests`);
        figures[name] = breakdown;
      }
      const section = table(op, figures.vault, figures.floor);
      console.log(`\n${section}`);
      sections.push(section);
      // Redeem takes one token per call, in order: the issue runs (profiled and open loop) make exactly as many.
      for (const name of ['vault', 'floor'] as const) tails.push({ op, target: name, stats: await tailRun(targets[name], op, path.join(dir, `${name}.cpuprofile`)) });
    }
    const tailSection = tailTable(tails);
    console.log(`\n${tailSection}`);
    sections.push(tailSection);
    const facts = runFacts();
    const dist = !vaultFromSources();
    const doc = [
      `CPU profile by concern, run of ${facts.date} at commit \`${facts.commit}\`${facts.dirty ? ' (with uncommitted changes)' : ''}: ${facts.machine.cpus} CPU(s) (${facts.machine.cpuModel}), Node ${facts.machine.node}; the vault ${dist ? 'compiled (node dist/…)' : 'from its sources through tsx (BENCH_VAULT_SOURCES=1)'}; ${N} requests per operation at c=${CONCURRENCY}, vault and floor each profiled over its own timed run (V8 sampling profiler, 250 µs). Only the vault's or floor's own process; PostgreSQL's and Redis's CPU are in the \`ops\` table.`,
      '',
      ...sections,
    ].join('\n');
    mkdirSync(RESULTS_DIR, { recursive: true });
    const mdFile = path.join(RESULTS_DIR, `${facts.date}-${facts.commit}-profile${dist ? '-dist' : ''}.md`);
    writeFileSync(mdFile, doc);
    console.log(`written: ${mdFile}\nraw profiles (open in Chrome DevTools): ${dir}`);
    return { failures };
  } finally {
    await Promise.all([vaultProcess.stop(), floorProcess.stop()]);
  }
}
