import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../services/vault/src/audit/audit-verify.ts';
import { readiness, recovery, runLoad, startFaultRig, verify, type FaultRig, type Verdict } from './fault-rig.ts';

/**
 * Faults of the vault's own PostgreSQL and Redis under steady load (card adds, lists, token issues, redeems),
 * each followed by the same checks: nothing answered other than the load's statuses (no 500), every request
 * answered within the 2 s fail-closed bound measured at the client, every 201 is stored, every request told
 * 503 and retried with its Idempotency-Key gets the committed answer (or runs now), readiness followed the
 * dependency and came back within 5 s with no restart, and the audit chain is intact.
 */
let rig: FaultRig;
beforeAll(async () => {
  rig = await startFaultRig();
}, 60_000);
afterAll(async () => {
  await rig.close();
});

const BOUND_MS = 2_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function underLoad(fault: (rig: FaultRig) => Promise<void>, dependency: 'redis' | 'postgres') {
  const t0 = Date.now();
  const faultStart = t0 + 1_000;
  let readyDuring: string | undefined;
  const load = runLoad(rig, t0 + 6_000);
  await sleep(faultStart - Date.now());
  const faulting = fault(rig);
  await sleep(700);
  readyDuring = (await readiness(rig))[dependency];
  await faulting;
  const faultEnd = Date.now();
  const readyAgainMs = await recovery(rig); // polled while the load goes on
  const samples = await load;
  // Service recovered: the first success of every kind of request that started after the fault ended.
  const kinds = ['session', 'add', 'list', 'issue', 'redeem'] as const;
  const servedAgainMs = Math.max(
    ...kinds.map((op) => Math.min(...samples.filter((s) => s.op === op && s.started >= faultEnd && s.status < 300).map((s) => s.started + s.ms)) - faultEnd),
  );
  const verdict = await verify(rig, samples, faultStart);
  const audit = await auditIntact();
  return { verdict, readyDuring, readyAgainMs, servedAgainMs, audit };
}

async function auditIntact() {
  const pool = new pg.Pool({ connectionString: rig.databaseUrl, max: 1 });
  try {
    return await verifyAuditChain(pool);
  } finally {
    await pool.end();
  }
}

interface FaultRun {
  readonly verdict: Verdict;
  readonly readyDuring: string | undefined;
  readonly readyAgainMs: number;
  readonly servedAgainMs: number;
  readonly audit: { ok: boolean };
}

/**
 * `readinessSeesIt`: readiness must have reported the dependency failing. `mustFail`: at least one request must have
 * answered 503 (the fault reached requests); false where the fault is proven otherwise and serving straight through
 * it is the better outcome (connections killed while idle are replaced without a request noticing).
 */
function expectHonest(name: string, r: FaultRun, options: { readinessSeesIt: boolean; mustFail?: boolean } = { readinessSeesIt: true }) {
  const v = r.verdict;
  console.log(
    `${name}: ${v.requests} requests, ${v.unavailable} × 503, first 503 ${v.firstUnavailableMs ?? '—'} ms after the fault began, ` +
      `slowest 503 ${v.slowestUnavailableMs ?? '—'} ms, slowest request ${v.slowestMs} ms; after it ended: ready in ${r.readyAgainMs} ms, every kind of request served in ${r.servedAgainMs} ms; ` +
      `${v.committedButReportedFailed} card add(s) committed while reported 503 (each retry returned that card)`,
  );
  expect(r.servedAgainMs).toBeLessThan(5_000);
  if (options.mustFail ?? true) expect(v.unavailable, 'the fault was felt').toBeGreaterThan(0);
  expect(v.unexpected.map((s) => `${s.op} ${s.status}`)).toEqual([]);
  expect(v.slowestMs).toBeLessThan(BOUND_MS);
  expect(v.lost).toEqual([]);
  expect(v.retriesFailed).toEqual([]);
  if (options.readinessSeesIt) expect(r.readyDuring).toBe('failing');
  expect(r.audit.ok).toBe(true);
}

describe('faults of the vault’s own dependencies under load', () => {
  it('Redis frozen (SIGSTOP) for 3 s, then thawed', async () => {
    const r = await underLoad(async ({ redis }) => {
      redis.pause();
      await sleep(3_000);
      redis.resume();
    }, 'redis');
    expectHonest('redis SIGSTOP 3 s', r);
  }, 90_000);

  it('Redis killed (SIGKILL) and restarted empty after 2 s', async () => {
    const r = await underLoad(async ({ redis }) => {
      await redis.stop();
      await sleep(2_000);
      await redis.restart();
    }, 'redis');
    expectHonest('redis SIGKILL + restart', r);
  }, 90_000);

  it('every PostgreSQL connection of the vault terminated, five times', async () => {
    const killed: number[] = [];
    const r = await underLoad(async ({ postgres }) => {
      const admin = new pg.Client({ connectionString: postgres.url });
      await admin.connect();
      try {
        for (let i = 0; i < 5; i++) {
          // Each round waits until the vault holds connections again (its pool reconnects only when a request needs
          // one; on a busy machine that can take longer than the pause between rounds), so every round kills some.
          for (let waited = 0; waited < 5_000; waited += 50) {
            const live = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = 'vault' AND pid <> pg_backend_pid()`);
            if (live.rows[0].n > 0) break;
            await sleep(50);
          }
          const { rows } = await admin.query(`SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE datname = 'vault' AND pid <> pg_backend_pid()`);
          killed.push(rows.filter((row) => row.done).length);
          await sleep(400);
        }
      } finally {
        await admin.end();
      }
    }, 'postgres');
    // The fault happened: every round terminated connections of the vault. Whether a request was caught on one
    // (503) or every killed connection was idle and replaced unnoticed depends on timing; both are honest.
    expect(killed.every((n) => n > 0), `connections terminated per round: ${killed.join(', ')}`).toBe(true);
    // Terminated connections are replaced at once: readiness need not ever see the database down.
    expectHonest('pg_terminate_backend ×5', r, { readinessSeesIt: false, mustFail: false });
  }, 90_000);

  it('PostgreSQL stopped for 3 s, then started', async () => {
    const r = await underLoad(async ({ postgres }) => {
      postgres.stopServer();
      await sleep(3_000);
      postgres.startServer();
    }, 'postgres');
    expectHonest('postgres stop 3 s + start', r);
  }, 90_000);
});
