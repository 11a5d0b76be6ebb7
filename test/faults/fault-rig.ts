import { createHash, randomUUID } from 'node:crypto';
import pg from 'pg';
import supertest from 'supertest';
import { distinctVisa } from '../support/card-numbers.ts';
import type { HttpResult } from '../support/https-client.ts';
import { startOwnPostgres, type OwnPostgres } from '../support/own-postgres.ts';
import { startOwnRedis, type OwnRedis } from '../support/own-redis.ts';
import { INVOICE, issueToken, redeem, registerExampleProcessors } from '../support/payments.ts';
import { ensureDatabase, migrateDatabase } from '../support/test-database.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';
import type { AssertionClaims } from '../../services/vault/src/dev/dev-assertion.ts';

/**
 * A vault on a PostgreSQL and a Redis of its own, so a fault test can freeze, kill and restart them without
 * touching anyone else, and a load of card adds, lists, token issues and redeems to run while it does.
 */
export interface FaultRig {
  readonly v: TestVault;
  readonly postgres: OwnPostgres;
  readonly redis: OwnRedis;
  readonly databaseUrl: string;
  close(): Promise<void>;
}

export async function startFaultRig(): Promise<FaultRig> {
  const postgres = await startOwnPostgres();
  const redis = await startOwnRedis();
  const databaseUrl = postgres.url.replace(/\/postgres$/, '/vault');
  await ensureDatabase(databaseUrl);
  await migrateDatabase(databaseUrl);
  const v = await startTestVault({
    env: {
      DATABASE_URL: databaseUrl,
      VAULT_REDIS_URL: redis.url,
      VAULT_RATE_LIMIT_CARD: '1000000/60',
      VAULT_RATE_LIMIT_USER: '1000000/60',
      VAULT_MAX_CARDS_PER_USER: '10000',
      VAULT_MAX_LIVE_CARD_SESSIONS: '1000',
      // The faults are injected under direct issues: payment-flow is allowed the direct path.
      VAULT_DIRECT_CVC_CALLERS: 'payment-flow',
    },
  });
  await registerExampleProcessors(v);
  return {
    v,
    postgres,
    redis,
    databaseUrl,
    async close() {
      await v.close();
      await redis.stop();
      await postgres.stop();
    },
  };
}

type Operation = 'session' | 'add' | 'list' | 'issue' | 'redeem';

/** One request of the load, as the client saw it. */
export interface Sample {
  readonly op: Operation;
  readonly started: number;
  readonly ms: number;
  readonly status: number;
  /** Sends the same request again, with the same Idempotency-Key (for writes). */
  readonly retry?: () => Promise<HttpResult>;
  /** For a card add: the session secret it spent, to look the session up. */
  readonly secret?: string;
  readonly cardId?: string;
}

interface Card {
  readonly user: AssertionClaims;
  readonly id: string;
}

/**
 * Runs `workers` loops of add → list → issue → redeem until `untilMs`, recording every answer; each loop rests
 * `restMs` between rounds — a steady load like a service's, not a benchmark's flood: the faults are felt the same,
 * and the suite's other files keep their share of the two cores.
 */
export async function runLoad(rig: FaultRig, untilMs: number, workers = 6, restMs = 100): Promise<Sample[]> {
  const { v } = rig;
  const samples: Sample[] = [];
  const cards: Card[] = [];
  const salt = Math.floor(Math.random() * 100_000);
  let n = Math.floor(Math.random() * 1e6);
  const timed = async (op: Operation, call: () => Promise<HttpResult>, extra: Partial<Sample> = {}): Promise<HttpResult> => {
    const started = Date.now();
    let res: HttpResult;
    try {
      res = await call();
    } catch {
      res = { status: 0, headers: {}, text: '', json: undefined };
    }
    const cardId = op === 'add' && res.status < 300 ? (res.json?.id as string | undefined) : undefined;
    samples.push({ op, started, ms: Date.now() - started, status: res.status, retry: call, ...extra, ...(cardId ? { cardId } : {}) });
    return res;
  };
  const worker = async (w: number) => {
    const user = newUser();
    while (Date.now() < untilMs) {
      const sessionKey = { 'idempotency-key': `s-${randomUUID()}` };
      const session = await timed('session', () => v.internal('/v1/card-sessions', { user, body: {}, headers: sessionKey }));
      if (session.status === 201) {
        const secret = session.json.clientSecret as string;
        const body = visa({ number: distinctVisa(n++, salt) });
        const headers = { authorization: `CardSession ${secret}`, 'idempotency-key': `a-${randomUUID()}` };
        const added = await timed('add', () => v.public('/v1/cards', { body, headers }), { secret });
        if (added.status === 201) cards.push({ user, id: added.json.id });
      }
      await timed('list', () => v.internal('/v1/cards', { user }));
      const mine = cards.filter((c) => c.user === user);
      const card = mine[(w + n) % Math.max(1, mine.length)];
      if (card) {
        const issueKey = { 'idempotency-key': `i-${randomUUID()}` };
        const issued = await timed('issue', () => issueToken(v, user, { cardId: card.id, cvc: '123', invoice: INVOICE }, issueKey));
        if (issued.status === 201) await timed('redeem', () => redeem(v, 'xero-payments', issued.json.token), {});
      }
      await new Promise((r) => setTimeout(r, restMs));
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  return samples;
}

export const readiness = async (rig: FaultRig): Promise<Record<string, string>> => (await supertest(rig.v.vault.probeApp).get('/readyz')).body.checks;

/** Waits until readiness is all ok; the milliseconds it took (throws past `limitMs`). */
export async function recovery(rig: FaultRig, limitMs = 5_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const checks = await readiness(rig);
    if (Object.values(checks).every((c) => c === 'ok')) return Date.now() - started;
    if (Date.now() - started > limitMs) throw new Error(`not ready after ${limitMs} ms: ${JSON.stringify(checks)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Verdict {
  readonly requests: number;
  readonly unavailable: number;
  readonly firstUnavailableMs: number | null;
  /** The longest a 503 took to arrive. */
  readonly slowestUnavailableMs: number | null;
  readonly slowestMs: number;
  /** Card adds reported 503 whose card was stored all the same (the commit's answer was lost on the way). */
  readonly committedButReportedFailed: number;
  readonly unexpected: Sample[];
  /** Card adds reported 201/200 whose card is not in the database. */
  readonly lost: string[];
  /** Retries (same key, same body) of requests told 503 that did not get a real answer. */
  readonly retriesFailed: Array<{ op: Operation; status: number }>;
}

/**
 * What the client saw against what the database holds: every 201 is stored, every 503 retried with its key
 * gets the committed answer (or runs now), no other status than the load's own.
 */
export async function verify(rig: FaultRig, samples: Sample[], faultStart: number): Promise<Verdict> {
  const db = new pg.Pool({ connectionString: rig.databaseUrl, max: 2 });
  try {
    const stored = async (id: string) => (await db.query('SELECT 1 FROM cards WHERE id = $1', [id])).rowCount === 1;
    const sessionCard = async (secret: string) =>
      (await db.query<{ card_id: string | null }>('SELECT card_id FROM card_entry_sessions WHERE secret_hash = $1', [createHash('sha256').update(secret).digest('hex')])).rows[0]?.card_id ?? null;
    const lost: string[] = [];
    let committedButReportedFailed = 0;
    const retriesFailed: Array<{ op: Operation; status: number }> = [];
    for (const s of samples) {
      // A card the client was given: in the table, and the one its session records.
      if (s.op === 'add' && (s.status === 201 || s.status === 200)) {
        if (!s.cardId || !(await stored(s.cardId)) || (await sessionCard(s.secret!)) !== s.cardId) lost.push(s.cardId ?? '?');
      }
    }
    for (const s of samples.filter((x) => x.status === 503 && x.op !== 'list' && x.op !== 'redeem')) {
      const before = s.op === 'add' ? await sessionCard(s.secret!) : null;
      if (before) committedButReportedFailed++;
      let res = await s.retry!();
      // A Redis claim that landed late lives seconds: wait it out, as a client following Retry-After would.
      for (let i = 0; res.status === 409 && i < 20; i++) {
        await new Promise((r) => setTimeout(r, 1_000));
        res = await s.retry!();
      }
      const ok = res.status === 201 || res.status === 200;
      if (!ok || (before && res.json?.id !== before)) retriesFailed.push({ op: s.op, status: res.status });
    }
    const unavailable = samples.filter((s) => s.status === 503);
    return {
      requests: samples.length,
      unavailable: unavailable.length,
      firstUnavailableMs: unavailable.length ? Math.min(...unavailable.map((s) => s.started + s.ms)) - faultStart : null,
      slowestUnavailableMs: unavailable.length ? Math.max(...unavailable.map((s) => s.ms)) : null,
      slowestMs: Math.max(...samples.map((s) => s.ms)),
      committedButReportedFailed,
      unexpected: samples.filter((s) => ![200, 201, 204, 404, 503].includes(s.status)),
      lost,
      retriesFailed,
    };
  } finally {
    await db.end();
  }
}
