import type pg from 'pg';
import { sqlOn, statement } from './sql.ts';

const TRY_LOCK = statement('session_lock_try', 'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS "ok"');

/** A session-level advisory lock, held on a connection of its own for as long as a job runs. */
export interface SessionLock {
  /** Ends the lock's session (the connection is closed, not pooled): the lock goes with it. */
  release(): void;
}

/** `key`'s lock, or null at once when another session holds it (never waits). */
export type TrySessionLock = (key: string) => Promise<SessionLock | null>;

/**
 * Session locks on `pool`: one job at a time per key across processes (an import run, an export request), held
 * until the job releases it — or its process dies, since PostgreSQL drops a session's locks with the session, so a
 * job killed anywhere never leaves its key locked.
 */
export function sessionLocks(pool: pg.Pool): TrySessionLock {
  return async (key) => {
    const client = await pool.connect();
    let held = false;
    try {
      const [row] = await sqlOn(client).rows<{ ok: boolean }>(TRY_LOCK, [key]);
      held = row!.ok;
    } finally {
      if (!held) client.release(true);
    }
    return held ? { release: () => client.release(true) } : null;
  };
}
