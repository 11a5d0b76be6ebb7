/** The Markdown view of a results file: what the README shows and `npm run bench` prints. */
import type { ClosedLoopFigure, LoadShapeSection, OpsSection, ResultsDoc } from './bench-results.ts';
import { OPERATIONS } from './bench-results.ts';
import { cpuTotal } from './cpu-accounting.ts';

const rate = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '—');
const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
const latency = (f: { p50: number; p99: number }) => `${ms(f.p50)} / ${ms(f.p99)}`;
const closedCells = (f: ClosedLoopFigure | undefined) => (f ? [rate(f.requestsPerSecond), latency(f)] : ['—', '—']);
const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;

const LABELS = { store: 'store `POST /v1/cards`', list: 'list `GET /v1/cards`', issue: 'issue `POST /v1/payment-tokens`', redeem: 'redeem `POST …/redeem`' } as const;

function opsTables(ops: OpsSection): string[] {
  const concurrencies = Object.keys(ops.operations.store.vault.closed);
  const closed = [
    '**Closed loop** (c requests in flight; requests/s, latency p50 / p99 in ms):',
    '',
    row(['operation', 'c', 'vault req/s', 'vault p50 / p99', 'floor req/s', 'floor p50 / p99', 'vault ÷ floor']),
    row(['---', '--:', '--:', '--:', '--:', '--:', '--:']),
  ];
  for (const op of OPERATIONS) {
    const f = ops.operations[op];
    for (const c of concurrencies) {
      closed.push(row([LABELS[op], c, ...closedCells(f.vault.closed[c]), ...closedCells(f.floor.closed[c]), (f.ratio[c] ?? NaN).toFixed(2)]));
    }
  }
  for (const c of Object.keys(ops.emptyFloor)) closed.push(row(['empty request (floor only)', c, '—', '—', ...closedCells(ops.emptyFloor[c]), '—']));
  closed.push(row(['gRPC IssuePaymentToken (vault only)', String(ops.grpc.issue.concurrency), ...closedCells(ops.grpc.issue), '—', '—', '—']));
  closed.push(row(['gRPC RedeemPaymentToken (vault only)', String(ops.grpc.redeem.concurrency), ...closedCells(ops.grpc.redeem), '—', '—', '—']));

  const sample = ops.operations.store.vault.open;
  const lag = Math.max(...OPERATIONS.flatMap((op) => [ops.operations[op].vault.open.sendLagP99, ops.operations[op].floor.open.sendLagP99]));
  const open = [
    `**Open loop** (${sample.offeredPerSecond} requests/s offered on a fixed timetable for ${sample.seconds} s; latency from the scheduled send, ms; load generator's send lag p99 ≤ ${ms(lag)} ms):`,
    '',
    row(['operation', 'vault p50 / p99', 'vault max', 'vault achieved/s', 'vault errors', 'floor p50 / p99', 'floor achieved/s', 'vault p99 ÷ floor p99']),
    row(['---', '--:', '--:', '--:', '--:', '--:', '--:', '--:']),
  ];
  for (const op of OPERATIONS) {
    const { vault, floor } = ops.operations[op];
    open.push(row([LABELS[op], latency(vault.open), ms(vault.open.max), rate(vault.open.achievedPerSecond), String(vault.open.errors), latency(floor.open), rate(floor.open.achievedPerSecond), (vault.open.p99 / floor.open.p99).toFixed(1)]));
  }
  return [...closed, '', ...cpuTable(ops), ...open];
}

/** Where each request's CPU went (closed loop, lowest concurrency): the steadier half of the ratio above. */
function cpuTable(ops: OpsSection): string[] {
  const c = Object.keys(ops.operations.store.vault.closed)[0]!;
  if (!OPERATIONS.every((op) => ops.operations[op].vault.closed[c]?.cpuPerRequestUs && ops.operations[op].floor.closed[c]?.cpuPerRequestUs)) return [];
  const lines = [
    `**CPU per request** (closed loop, c=${c}; µs, vault / floor; from /proc over the same runs; on two shared cores throughput ≈ 2 s ÷ the total):`,
    '',
    row(['operation', 'vault or floor process', 'PostgreSQL', 'Redis', 'load generator', 'total', 'floor total ÷ vault total']),
    row(['---', '--:', '--:', '--:', '--:', '--:', '--:']),
  ];
  for (const op of OPERATIONS) {
    const v = ops.operations[op].vault.closed[c]!.cpuPerRequestUs!;
    const f = ops.operations[op].floor.closed[c]!.cpuPerRequestUs!;
    const pair = (a: number, b: number) => `${a} / ${b}`;
    lines.push(row([LABELS[op], pair(v.target, f.target), pair(v.postgres, f.postgres), pair(v.redis, f.redis), pair(v.loadGenerator, f.loadGenerator), pair(cpuTotal(v), cpuTotal(f)), (cpuTotal(f) / cpuTotal(v)).toFixed(2)]));
  }
  return [...lines, ''];
}

function loadShapeTable(load: LoadShapeSection): string[] {
  const lines = [
    `**Load shape** (vault only: ${load.offeredPerSecond} requests/s offered, open loop, for ${load.seconds} s, mixed; achieved ${rate(load.achievedPerSecond)}/s, **${load.errors} errors**, load generator's send lag p99 ${ms(load.sendLagP99)} ms):`,
    '',
    row(['operation', 'share', 'requests', 'p50 ms', 'p99 ms', 'max ms', 'errors']),
    row(['---', '--:', '--:', '--:', '--:', '--:', '--:']),
  ];
  for (const op of OPERATIONS) {
    const f = load.operations[op];
    lines.push(row([LABELS[op], `${Math.round(f.share * 100)} %`, String(f.requests), ms(f.p50), ms(f.p99), ms(f.max), String(f.errors)]));
  }
  return lines;
}

export function renderMarkdown(doc: ResultsDoc): string {
  const m = doc.machine;
  const workers = doc.ops?.vaultSettings['VAULT_WORKERS'] ?? doc.loadShape?.vaultSettings['VAULT_WORKERS'] ?? '1';
  const lines = [
    `Run of ${doc.date} at commit \`${doc.commit}\`${doc.dirty ? ' (with uncommitted changes)' : ''}: ${m.cpus} CPU(s) (${m.cpuModel}), Node ${m.node}, ${m.platform}; vault workers ${workers}, load generator, vault, floor, PostgreSQL and Redis on the same machine.`,
    '',
  ];
  if (doc.ops) lines.push(...opsTables(doc.ops), '');
  if (doc.loadShape) lines.push(...loadShapeTable(doc.loadShape), '');
  if (doc.auditVerify) lines.push(`Audit chain after the run: ${doc.auditVerify.summary}`, '');
  return lines.join('\n');
}
