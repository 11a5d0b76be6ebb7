import pg from 'pg';

export interface Database {
  /** The vault's connections: every statement goes through it (`sql.ts` for the prepared ones; migrations, ping). */
  readonly pool: pg.Pool;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  readonly url: string;
  readonly poolMax: number;
  /** Give up on a connection or a statement after this long, so a dead database fails a request fast. */
  readonly timeoutMs?: number;
  /** Run on each new connection before the pool hands it out (the embedded database's fresh session). */
  readonly onConnect?: (client: pg.ClientBase) => Promise<void>;
}

/**
 * A node-postgres pool. No ORM client at run time: the tables are prisma/schema.prisma's and the migrations',
 * the SQL is the named statements of `sql.ts`, and test/integration/schema-and-sql.test.ts holds the three together.
 */
export function openDatabase(options: DatabaseOptions): Database {
  const timeoutMs = options.timeoutMs ?? 1_500;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs * 5,
    statement_timeout: timeoutMs * 5,
    idleTimeoutMillis: 30_000,
    // A transaction left open while the vault waits on something else is ended by the server after 10 s.
    idle_in_transaction_session_timeout: 10_000,
    // pg-pool awaits it; when it fails the connection is ended and the caller gets the error.
    ...(options.onConnect ? { onConnect: options.onConnect } : {}),
  });
  // An idle client that dies (database restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // Nor one that dies while checked out between two statements (a transaction waiting on the vault's own work
  // when its backend is terminated): the pool listens only to idle clients, and an 'error' nobody listens to is
  // an uncaught exception. The statement that next uses it fails on its own, and the request answers 503.
  pool.on('connect', (client) => client.on('error', () => {}));
  return {
    pool,
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end().catch(() => {});
    },
  };
}
