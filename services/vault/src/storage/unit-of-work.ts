import type pg from 'pg';
import { carrying, inTransaction, sqlOn, type Companion, type Sql } from './sql.ts';

/**
 * Repositories bound to one database handle; `E` is what `audited` writes with a change (audit events: the audit
 * folder names the vault's kind, `AuditedUnitOfWork`). `transaction` hands the callback repositories bound to a single
 * transaction: everything in it, audit events included, commits together or not at all.
 */
export interface UnitOfWork<R, E = never> {
  readonly repos: R;
  /**
   * Runs `fn` in one transaction. With `outcome` (an idempotent write), the key is reserved before `fn` and
   * the result recorded after it, inside the same transaction.
   */
  transaction<T>(fn: (repos: R) => Promise<T>, outcome?: TransactionOutcome<R, T>): Promise<T>;
  /**
   * Runs `fn` — one repository call — and writes the audit `events` with it, atomically: in PostgreSQL they ride
   * in the same statement (one round trip instead of two). If `fn` fails, they are not written. Only for a `fn`
   * that runs exactly one statement and lets its errors through: the events ride on the first statement, so a
   * second one failing, or an error `fn` swallowed, would leave them written (or lost) without the change.
   */
  audited<T>(events: readonly E[], fn: (repos: R) => Promise<T>): Promise<T>;
}

/** What a transaction remembers of itself (see `idempotency/write-outcome.ts`). */
export interface TransactionOutcome<R, T> {
  reserve(repos: R): Promise<void>;
  record(repos: R, result: T): Promise<void>;
}

/** Repositories over prepared SQL: on the pool outside a transaction, on one connection inside it. */
export function sqlUnitOfWork<R, E>(pool: pg.Pool, bind: (sql: Sql) => R, auditRows: (events: readonly E[]) => Companion): UnitOfWork<R, E> {
  const onPool = sqlOn(pool);
  return {
    repos: bind(onPool),
    async audited(events, fn) {
      if (events.length === 0) return fn(bind(onPool));
      const lead = carrying(onPool, auditRows(events));
      const result = await fn(bind(lead.sql));
      // A call that ran no statement: the events go on their own.
      if (!lead.carried()) {
        const alone = auditRows(events);
        await onPool.count(alone.statement, alone.values);
      }
      return result;
    },
    transaction: (fn, outcome) =>
      inTransaction(pool, async (sql) => {
        const bound = bind(sql);
        await outcome?.reserve(bound);
        const result = await fn(bound);
        await outcome?.record(bound, result);
        return result;
      }),
  };
}
