/**
 * `npm run bench -- payment-session`: what a payment costs through a payment session (issue 23) beside today's
 * single direct issue, against one compiled vault (bench-vault.ts), in the same run:
 *
 *   A  the direct issue: `POST /v1/payment-tokens {cardId, cvc, processorId, invoice}` (payment flow + user);
 *   B  a session payment: `POST /v1/payment-sessions {cardId, processorId, invoice: <JWS>}` (payment flow + user),
 *      then `POST /v1/payment-sessions/current/confirm {cvc}` on the public listener with the session's secret —
 *      timed as one payment, the two calls one after the other;
 *   C  the confirm alone, on sessions opened (untimed) at the start of the round: what the second call adds;
 *   D  `GET /v1/payment-sessions/{id}` on the sessions C confirmed: how the payment flow then reads the token.
 *
 * Per concurrency (c=1 for latency, c=16 for throughput): a warm-up of each, then rounds A, B, C, D, A, B, C, D …;
 * each figure is the median over the rounds, each ratio the median of the rounds' ratios, so a burst of noise on a
 * shared machine lands in one round. Users and cards as `ops` sets them up (card-entry sessions, then stores).
 * Every session payment gets an invoice of its own (one invoice is paid once per user), signed with the example
 * partner's key before anything is timed: the signature is the partner's cost, not the vault's. Writes
 * bench/results/<date>-<commit>-payment-session.md and .json. Sizes: BENCH_PAYMENT_ROUNDS (default 5),
 * BENCH_PAYMENT_REQUESTS (payments per round at c=16, default 800; a quarter of it at c=1).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mintExampleInvoice } from '../../services/vault/src/dev/invoice-mint.ts';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import { benchDatabase, drive, formatResult, httpsClient, noteFailure, percentile, type LoadResult } from './bench-kit.ts';
import { RESULTS_DIR, runFacts } from './bench-results.ts';
import { benchVaultSettings, recordedSettings, startBenchVault } from './bench-vault.ts';
import { BenchUsers } from './bench-users.ts';
import { median, roundFigure, type RoundFigure } from './round-figures.ts';
import { accounted, perRequest, type CpuPerRequest } from './cpu-accounting.ts';
import { OpsTarget, PROCESSOR_ID } from './ops-targets.ts';
import { openVaultTickets } from './store-tickets.ts';

const ROUNDS = Number(process.env['BENCH_PAYMENT_ROUNDS'] ?? 5);
const PER_ROUND_C16 = Number(process.env['BENCH_PAYMENT_REQUESTS'] ?? 800);
const CONCURRENCIES = [1, 16] as const;
const PER_ROUND: Record<number, number> = { 1: Math.max(20, Math.ceil(PER_ROUND_C16 / 4)), 16: PER_ROUND_C16 };
/** Untimed, before the first round of each concurrency, for each phase. */
const WARM_UP: Record<number, number> = { 1: 30, 16: 160 };
const USERS = 64;
const CARDS_PER_USER = 2;
const PARTNER = 'xero';
const INVOICE_AMOUNT = 1000;
/** Raised beyond `benchVaultSettings`: a round opens its confirm-alone sessions before it starts. */
const SESSION_SETTINGS = { VAULT_MAX_LIVE_PAYMENT_SESSIONS: '1000', VAULT_PAYMENT_SESSION_TTL_SECONDS: '900' };

const PHASES = ['A', 'B', 'C', 'D'] as const;
type Phase = (typeof PHASES)[number];
const PHASE_NAMES: Record<Phase, string> = {
  A: 'A direct issue (POST /v1/payment-tokens)',
  B: 'B session create + confirm',
  C: 'C confirm alone',
  D: 'D read the token (GET session)',
};

/** Calls (A, C, D) or payments (B) per second, medians of the rounds. */
interface PhaseFigure extends RoundFigure {
  readonly cpuPerCallUs?: CpuPerRequest;
}

interface ConcurrencyFigures {
  readonly concurrency: number;
  readonly paymentsPerRound: number;
  readonly phases: Readonly<Record<Phase, PhaseFigure>>;
  /** Within B: each call's own latency (ms), median over the rounds of each round's p50/p99. */
  readonly bSplit: { readonly create: { p50: number; p99: number }; readonly confirm: { p50: number; p99: number } };
  /** B ÷ A per round, then the median: latency p50, p99, and payments/s. */
  readonly ratioBA: { readonly p50: number; readonly p99: number; readonly perSecond: number };
  readonly ratioBAByRound: ReadonlyArray<{ p50: number; p99: number; perSecond: number }>;
}

interface PaymentSessionResults {
  readonly date: string;
  readonly commit: string;
  readonly dirty: boolean;
  readonly machine: ReturnType<typeof runFacts>['machine'];
  readonly rounds: number;
  readonly users: number;
  readonly cards: number;
  readonly concurrencies: readonly ConcurrencyFigures[];
  readonly failures: readonly string[];
  readonly vaultSettings: Readonly<Record<string, string>>;
}

interface Session {
  readonly id: string;
  readonly user: number;
  readonly secret: string;
}

/** The session calls (B, C, D) with the same keep-alive (m)TLS clients `ops` uses. */
class SessionPayments {
  readonly #flow: ReturnType<typeof httpsClient>;
  readonly #pub: ReturnType<typeof httpsClient>;
  #nextInvoice = 0;
  readonly createMs: number[] = [];
  readonly confirmMs: number[] = [];

  constructor(
    private readonly vault: OpsTarget,
    urls: { internalUrl: string; publicUrl: string },
    private readonly invoices: readonly string[],
  ) {
    this.#flow = httpsClient(urls.internalUrl, 'payment-flow');
    this.#pub = httpsClient(urls.publicUrl);
  }

  get invoicesLeft(): number {
    return this.invoices.length - this.#nextInvoice;
  }

  /** Opens a session for card `i` (round robin) on the next unused invoice. */
  async create(i: number): Promise<Session | null> {
    const card = this.vault.cards[i % this.vault.cards.length]!;
    const invoice = this.invoices[this.#nextInvoice++];
    if (!invoice) return this.#failed('create', { status: 0, json: { code: 'out of invoices' } });
    const res = await this.#flow('POST', '/v1/payment-sessions', { authorization: this.vault.users.bearer(card.user) }, { cardId: card.id, processorId: PROCESSOR_ID, invoice });
    if (res.status !== 201) return this.#failed('create', res);
    return { id: res.json.id, user: card.user, secret: res.json.clientSecret };
  }

  async confirm(session: Session): Promise<boolean> {
    const res = await this.#pub('POST', '/v1/payment-sessions/current/confirm', { authorization: `PaymentSession ${session.secret}` }, { cvc: '123' });
    if (res.status === 200 && res.json?.status === 'paid') return true;
    this.#failed('confirm', res);
    return false;
  }

  async read(session: Session): Promise<boolean> {
    const res = await this.#flow('GET', `/v1/payment-sessions/${session.id}`, { authorization: this.vault.users.bearer(session.user) });
    if (res.status === 200 && res.json?.state === 'confirmed' && typeof res.json?.paymentToken === 'string') return true;
    this.#failed('read', res);
    return false;
  }

  /** One payment: create, then confirm; each call's latency kept beside the payment's. */
  async pay(i: number): Promise<boolean> {
    const t0 = process.hrtime.bigint();
    const session = await this.create(i);
    const t1 = process.hrtime.bigint();
    if (!session) return false;
    const ok = await this.confirm(session);
    this.createMs.push(Number(t1 - t0) / 1e6);
    this.confirmMs.push(Number(process.hrtime.bigint() - t1) / 1e6);
    return ok;
  }

  #failed(op: string, res: { status: number; json: any }): null {
    noteFailure(`payment session ${op} ${res.status}${typeof res.json?.code === 'string' ? ` ${res.json.code}` : ''}`);
    return null;
  }
}

/** Invoices signed as the example partner signs them, one per session, before anything is timed. */
async function mintInvoices(count: number, salt: number): Promise<string[]> {
  const dueDate = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const started = Date.now();
  const invoices: string[] = [];
  for (let k = 0; k < count; k++) {
    invoices.push(
      await mintExampleInvoice({ partner: PARTNER, invoiceId: `INV-PSB-${salt}-${k}`, amount: INVOICE_AMOUNT, currency: 'EUR', merchantId: 'bench', merchantName: 'Bench Merchant', dueDate, lifetimeSeconds: 2 * 3600 }),
    );
  }
  console.log(`setup: ${count} invoices signed by ${PARTNER} in ${((Date.now() - started) / 1000).toFixed(1)} s (untimed)`);
  return invoices;
}

/** Opens `count` sessions (untimed, c=16) for the confirm-alone phase. */
async function openSessions(payments: SessionPayments, count: number, from: number): Promise<Session[]> {
  const sessions: Session[] = [];
  const setup = await drive('setup: payment sessions', count, 16, async (k) => {
    const s = await payments.create(from + k);
    if (s) sessions[k] = s;
    return s !== null;
  });
  if (setup.errors) throw new Error(`setup: ${setup.errors} of ${count} payment sessions were refused`);
  return sessions;
}

const figureOf = (runs: ReadonlyArray<{ result: LoadResult; cpu: unknown; requests: number }>): PhaseFigure => {
  const cpu = perRequest(runs as Parameters<typeof perRequest>[0]);
  return { ...roundFigure(runs), ...(cpu ? { cpuPerCallUs: cpu } : {}) };
};

async function measure(c: number, vault: OpsTarget, payments: SessionPayments, pid: number, users: BenchUsers): Promise<ConcurrencyFigures> {
  const n = PER_ROUND[c]!;
  // Where the next run starts in the round robin over the cards.
  let cardCursor = 0;
  const cards = () => (cardCursor += n) - n;
  // Warm-up, untimed: each phase once at this concurrency.
  await users.refresh();
  const warm = WARM_UP[c]!;
  await drive('warm-up', warm, c, (i) => vault.issue(i));
  await drive('warm-up', warm, c, (i) => payments.pay(i));
  const warmSessions = await openSessions(payments, warm, 0);
  await drive('warm-up', warm, c, (i) => payments.confirm(warmSessions[i]!));
  await drive('warm-up', warm, c, (i) => payments.read(warmSessions[i]!));
  payments.createMs.length = 0;
  payments.confirmMs.length = 0;

  const runs: Record<Phase, Array<Awaited<ReturnType<typeof accounted<LoadResult>>>>> = { A: [], B: [], C: [], D: [] };
  const split = { create: [] as Array<{ p50: number; p99: number }>, confirm: [] as Array<{ p50: number; p99: number }> };
  const timed = async (phase: Phase, round: number, one: (i: number) => Promise<boolean>) => {
    const r = await accounted(pid, () => drive(`${PHASE_NAMES[phase]} (c=${c}, round ${round + 1})`, n, c, one));
    console.log(formatResult(r.result));
    runs[phase].push(r);
  };
  for (let round = 0; round < ROUNDS; round++) {
    await users.refresh();
    const sessions = await openSessions(payments, n, cards());
    const a = cards();
    await timed('A', round, (i) => vault.issue(a + i));
    payments.createMs.length = 0;
    payments.confirmMs.length = 0;
    const b = cards();
    await timed('B', round, (i) => payments.pay(b + i));
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const [cr, cf] = [sorted(payments.createMs), sorted(payments.confirmMs)];
    split.create.push({ p50: percentile(cr, 50), p99: percentile(cr, 99) });
    split.confirm.push({ p50: percentile(cf, 50), p99: percentile(cf, 99) });
    await timed('C', round, (i) => payments.confirm(sessions[i]!));
    await timed('D', round, (i) => payments.read(sessions[i]!));
  }
  const phases = Object.fromEntries(PHASES.map((p) => [p, figureOf(runs[p])])) as Record<Phase, PhaseFigure>;
  const ratioBAByRound = runs.A.map((a, round) => {
    const b = runs.B[round]!.result;
    return { p50: b.p50 / a.result.p50, p99: b.p99 / a.result.p99, perSecond: b.perSecond / a.result.perSecond };
  });
  const ratioBA = { p50: median(ratioBAByRound.map((r) => r.p50)), p99: median(ratioBAByRound.map((r) => r.p99)), perSecond: median(ratioBAByRound.map((r) => r.perSecond)) };
  const bSplit = {
    create: { p50: median(split.create.map((s) => s.p50)), p99: median(split.create.map((s) => s.p99)) },
    confirm: { p50: median(split.confirm.map((s) => s.p50)), p99: median(split.confirm.map((s) => s.p99)) },
  };
  console.log(
    `c=${c}: B ÷ A (median of ${ROUNDS} rounds): p50 ${ratioBA.p50.toFixed(2)}, p99 ${ratioBA.p99.toFixed(2)}, payments/s ${ratioBA.perSecond.toFixed(2)} ` +
      `[payments/s by round: ${ratioBAByRound.map((r) => r.perSecond.toFixed(2)).join(' ')}]\n`,
  );
  return { concurrency: c, paymentsPerRound: n, phases, bSplit, ratioBA, ratioBAByRound };
}

const ms = (x: number) => x.toFixed(2);
const rate = (x: number) => x.toFixed(0);

function markdown(r: PaymentSessionResults): string {
  const lines = [
    `Payment sessions beside the direct issue, run of ${r.date} at commit \`${r.commit}\`${r.dirty ? ' (with uncommitted changes)' : ''}: ${r.machine.cpus} CPU(s) (${r.machine.cpuModel}), Node ${r.machine.node}; one compiled vault (\`VAULT_WORKERS=1\`), PostgreSQL and Redis on the same machine, shared with other work and noisy: absolute figures move from run to run, the ratios within this run are what count.`,
    '',
    `${r.users} users, ${r.cards} cards (round robin); per concurrency ${r.rounds} rounds of A, B, C, D, interleaved; each figure the median over the rounds, each ratio the median of the rounds' ratios. A payment by session is B: \`POST /v1/payment-sessions\` (partner-signed invoice, ES256) then \`POST /v1/payment-sessions/current/confirm\`, timed as one. C is the confirm alone (sessions opened untimed at the start of the round); D is the payment flow's \`GET /v1/payment-sessions/{id}\` that reads the token afterwards (not in B). Per-card, per-user and per-card-number rate limits raised out of the way.`,
    '',
    '| c | phase | calls per payment | payments (or calls)/s | p50 ms | p99 ms | vault CPU µs/call | PostgreSQL µs/call | Redis µs/call |',
    '| --: | --- | --: | --: | --: | --: | --: | --: | --: |',
  ];
  for (const f of r.concurrencies) {
    for (const p of PHASES) {
      const x = f.phases[p];
      lines.push(`| ${f.concurrency} | ${PHASE_NAMES[p]} | ${p === 'B' ? 2 : 1} | ${rate(x.perSecond)} | ${ms(x.p50)} | ${ms(x.p99)} | ${x.cpuPerCallUs?.target ?? '–'} | ${x.cpuPerCallUs?.postgres ?? '–'} | ${x.cpuPerCallUs?.redis ?? '–'} |`);
    }
  }
  lines.push('', '| c | B ÷ A p50 latency | B ÷ A p99 latency | B ÷ A payments/s | within B: create p50 / p99 ms | within B: confirm p50 / p99 ms | per-round B ÷ A payments/s |', '| --: | --: | --: | --: | --: | --: | --- |');
  for (const f of r.concurrencies) {
    lines.push(
      `| ${f.concurrency} | ${f.ratioBA.p50.toFixed(2)} | ${f.ratioBA.p99.toFixed(2)} | ${f.ratioBA.perSecond.toFixed(2)} | ${ms(f.bSplit.create.p50)} / ${ms(f.bSplit.create.p99)} | ${ms(f.bSplit.confirm.p50)} / ${ms(f.bSplit.confirm.p99)} | ${f.ratioBAByRound.map((x) => x.perSecond.toFixed(2)).join(' ')} |`,
    );
  }
  lines.push(
    '',
    'A takes the invoice as plain JSON, unsigned (the direct path as it is today); B verifies the partner\'s signature twice (at create and again at confirm), writes the session and the invoice claim, and goes through two TLS requests and two caller admissions. CPU figures are read from /proc over each timed run (PostgreSQL: every postgres process on the machine).',
    '',
  );
  if (r.failures.length) lines.push(`Failures: ${r.failures.join('; ')}`, '');
  return lines.join('\n');
}

export async function benchPaymentSession(): Promise<{ failures: string[] }> {
  const url = await benchDatabase();
  const vaultProcess = await startBenchVault(url, { env: SESSION_SETTINGS });
  try {
    // The partner whose key signs the invoices (dev mode seeds it; registered here too, as ops registers the processor).
    const admin = httpsClient(vaultProcess.internalUrl, 'admin');
    const jwks = JSON.parse(readFileSync(keysExample('partners', `${PARTNER}-public.jwks.json`), 'utf8')) as unknown;
    const reg = await admin('PUT', `/v1/partners/${PARTNER}`, {}, { name: 'Xero (example)', enabled: true, jwks });
    if (reg.status !== 200 && reg.status !== 201) throw new Error(`registering the partner answered ${reg.status}`);

    const users = new BenchUsers('psb', USERS, 'bench-payment-session');
    const salt = Date.now();
    const vault = new OpsTarget('vault', vaultProcess, users, salt);
    const cardCount = USERS * CARDS_PER_USER;
    await openVaultTickets(vault, cardCount, (k) => k % USERS);
    const stored = await drive('setup: store cards', cardCount, 16, () => vault.store());
    if (stored.errors) throw new Error(`setup: ${stored.errors} of ${cardCount} cards were refused`);

    // Per concurrency: warm-up (B and the sessions for C), then per round B and C's sessions.
    const needed = CONCURRENCIES.reduce((sum, c) => sum + 2 * WARM_UP[c]! + ROUNDS * 2 * PER_ROUND[c]!, 0);
    const payments = new SessionPayments(vault, vaultProcess, await mintInvoices(needed, salt));
    console.log(`\npayment-session: ${ROUNDS} rounds per concurrency, ${CONCURRENCIES.map((c) => `${PER_ROUND[c]} payments per phase at c=${c}`).join(', ')}; ${USERS} users, ${cardCount} cards`);

    const concurrencies: ConcurrencyFigures[] = [];
    for (const c of CONCURRENCIES) concurrencies.push(await measure(c, vault, payments, vaultProcess.pid, users));

    const failures: string[] = [];
    for (const f of concurrencies) {
      for (const p of PHASES) if (f.phases[p].errors) failures.push(`c=${f.concurrency} ${PHASE_NAMES[p]}: ${f.phases[p].errors} failed`);
    }
    const facts = runFacts();
    const results: PaymentSessionResults = {
      ...facts,
      rounds: ROUNDS,
      users: USERS,
      cards: cardCount,
      concurrencies,
      failures,
      vaultSettings: recordedSettings({ ...benchVaultSettings(url), ...SESSION_SETTINGS }),
    };
    const md = markdown(results);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const base = path.join(RESULTS_DIR, `${facts.date}-${facts.commit}-payment-session`);
    writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(`${base}.md`, md);
    console.log(`\n${md}\nwritten: ${base}.json\n         ${base}.md   (${payments.invoicesLeft} invoices unused)`);
    return { failures };
  } finally {
    await vaultProcess.stop();
  }
}
