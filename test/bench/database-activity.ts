/**
 * What one database's own PostgreSQL work was over a window, on a server other runs may share: the CPU of the
 * backend processes serving its connections (from /proc, by the pids pg_stat_activity lists for the database),
 * and its cumulative statistics — pg_stat_database (transactions, rows, time spent executing statements) and
 * pg_stat_user_tables (rows written and index scans, per table). cpu-accounting.ts's PostgreSQL figure is every
 * postgres process on the machine; these are the one database's alone.
 *
 * A backend publishes its statistics when it goes idle, at most once a second, and an idle backend with some
 * pending publishes them within 10 s (PostgreSQL 15's PGSTAT_IDLE_INTERVAL): read them only after `settle()`.
 */
import pg from 'pg';
import { pidCpuMs } from './cpu-accounting.ts';

/** After this long without work on the database, everything its backends did is in the statistics. */
export const STATS_SETTLE_MS = 11_000;
export const settle = () => new Promise((r) => setTimeout(r, STATS_SETTLE_MS));

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The CPU (ms) each backend of the database has spent so far, by pid (this reading's own connection left out). */
export async function backendCpu(url: string): Promise<Map<number, number>> {
  const pids = await withClient(url, async (c) =>
    (await c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows.map((r) => r.pid),
  );
  return new Map(pids.map((pid) => [pid, pidCpuMs(pid)]));
}

/** CPU (ms) the database's backends spent between two readings; a backend new in the second counts whole. */
export function backendCpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let ms = 0;
  for (const [pid, now] of after) ms += Math.max(0, now - (before.get(pid) ?? 0));
  return ms;
}

export const DATABASE_COUNTERS = ['xact_commit', 'xact_rollback', 'tup_returned', 'tup_fetched', 'tup_inserted', 'tup_updated', 'tup_deleted', 'blks_hit', 'blks_read', 'active_time'] as const;
export type DatabaseCounter = (typeof DATABASE_COUNTERS)[number];

export interface DatabaseStats {
  /** When read (ms since the epoch). */
  readonly at: number;
  /** pg_stat_database's row for the database; active_time in ms. */
  readonly database: Readonly<Record<DatabaseCounter, number>>;
  /** Per table: rows inserted, updated, deleted, index scans, sequential scans. */
  readonly tables: Readonly<Record<string, Readonly<Record<'ins' | 'upd' | 'del' | 'idx_scan' | 'seq_scan', number>>>>;
}

export async function databaseStats(url: string): Promise<DatabaseStats> {
  return withClient(url, async (c) => {
    const db = (await c.query(`SELECT ${DATABASE_COUNTERS.join(', ')} FROM pg_stat_database WHERE datname = current_database()`)).rows[0] as Record<string, string | number>;
    const tables = (await c.query<{ relname: string; ins: string; upd: string; del: string; idx_scan: string | null; seq_scan: string }>(
      'SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_del AS del, idx_scan, seq_scan FROM pg_stat_user_tables',
    )).rows;
    return {
      at: Date.now(),
      database: Object.fromEntries(DATABASE_COUNTERS.map((k) => [k, Number(db[k] ?? 0)])) as Record<DatabaseCounter, number>,
      tables: Object.fromEntries(tables.map((t) => [t.relname, { ins: Number(t.ins), upd: Number(t.upd), del: Number(t.del), idx_scan: Number(t.idx_scan ?? 0), seq_scan: Number(t.seq_scan) }])),
    };
  });
}

/** `after − before` per counter (tables present in either). */
export function statsSpent(before: DatabaseStats, after: DatabaseStats): Omit<DatabaseStats, 'at'> & { seconds: number } {
  const database = Object.fromEntries(DATABASE_COUNTERS.map((k) => [k, after.database[k] - before.database[k]])) as Record<DatabaseCounter, number>;
  const tables: Record<string, Record<'ins' | 'upd' | 'del' | 'idx_scan' | 'seq_scan', number>> = {};
  for (const name of new Set([...Object.keys(before.tables), ...Object.keys(after.tables)])) {
    const b = before.tables[name];
    const a = after.tables[name];
    tables[name] = {
      ins: (a?.ins ?? 0) - (b?.ins ?? 0),
      upd: (a?.upd ?? 0) - (b?.upd ?? 0),
      del: (a?.del ?? 0) - (b?.del ?? 0),
      idx_scan: (a?.idx_scan ?? 0) - (b?.idx_scan ?? 0),
      seq_scan: (a?.seq_scan ?? 0) - (b?.seq_scan ?? 0),
    };
  }
  return { seconds: (after.at - before.at) / 1000, database, tables };
}
