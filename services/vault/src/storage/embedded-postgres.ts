import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { lockDataFolder } from './data-folder-lock.ts';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  readonly url: string;
  /**
   * Must run on every new connection to `url` before its first statement (the pool's `onConnect`): it makes the
   * one shared session look like a new server backend's. See `freshSession` below for why.
   */
  readonly onConnect: (client: pg.ClientBase) => Promise<void>;
  stop(): Promise<void>;
}

/**
 * Sockets the server accepts at once. The pool on top (max 1) is what keeps this single-session database to one
 * live connection; the server only leaves room for connections that are closing. pg-pool opens the replacement
 * of a connection it ends as soon as its own side has closed, before the server has handled that close, and
 * Node's `net.Server.maxConnections` drops a socket past the limit without a word: with a limit of 1 every
 * replacement failed as "Connection terminated unexpectedly".
 */
const MAX_SOCKETS = 8;

/**
 * PGlite is ONE PostgreSQL session, and pglite-socket serves every wire connection on that same session: when a
 * connection closes it rolls back the transaction that connection left open, and nothing else. The closed
 * connection's named prepared statements, session settings, temporary tables, cursors and session advisory
 * locks all stay. A real server gives each connection a new backend, and node-postgres relies on that: it keeps
 * per connection the names it has prepared (`connection.parsedStatements`), so a new connection sends a Parse
 * for `cards_list` again — and the shared session answers 42P05 "prepared statement already exists".
 *
 * New connections are not rare. `pool.query` ends its connection whenever a statement fails, whatever the error
 * (vault_store_card's VA001 for a refused card limit, VA002 for a spent card session, a unique violation), so
 * does `inTransaction` when a ROLLBACK fails, and the pool closes a connection idle for 30 s. After any of them
 * every request on the new connection failed with 42P05 — and `pool.query` ended that connection too — until
 * the vault was restarted, while /readyz (an unnamed SELECT 1) said ready.
 *
 * So a new connection starts with DISCARD ALL: no prepared statements, cursors, temporary tables, session
 * advisory locks (a card export's is released by ending its connection), nor settings — as a new backend's.
 * Doing it when a connection opens, rather than when one closes, puts it in order: it goes through the
 * socket server's queue like any statement, so it waits until a transaction left open by a closing connection
 * has been rolled back, and it comes before the new connection's first statement (pg-pool awaits `onConnect`
 * before handing the connection out). It is right only while one connection at a time is live: the pool of
 * max 1 that `openConfiguredDatabase` puts on `url` is its only client.
 */
async function freshSession(client: pg.ClientBase): Promise<void> {
  await client.query('DISCARD ALL');
}

/**
 * Dev mode only: PostgreSQL compiled to WebAssembly (PGlite), persisted under `dataDir`, served on a loopback
 * port over the ordinary wire protocol, so the vault talks to it through the same pg/Prisma path as to a real
 * server. PGlite is single-connection: the pool on top of it must have max 1, and run `onConnect`.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const release = lockDataFolder(dataDir);
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: MAX_SOCKETS });
  await server.start();
  const address = (server as unknown as { server?: { address(): { port: number } } }).server?.address();
  if (!address) throw new Error('embedded PostgreSQL did not report its port');
  return {
    url: `postgresql://postgres@127.0.0.1:${address.port}/postgres?sslmode=disable`,
    onConnect: freshSession,
    async stop() {
      await server.stop();
      await db.close();
      release();
    },
  };
}
