import type { Prisma } from './database.ts';

export type PrismaExecutor = Omit<Prisma, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/**
 * Repositories bound to one database handle. `transaction` hands the callback repositories bound to a single
 * transaction: everything in it, audit events included, commits together or not at all.
 */
export interface UnitOfWork<R> {
  readonly repos: R;
  /**
   * Runs `fn` in one transaction. With `outcome` (an idempotent write), the key is reserved before `fn` and
   * the result recorded after it, inside the same transaction.
   */
  transaction<T>(fn: (repos: R) => Promise<T>, outcome?: TransactionOutcome<R, T>): Promise<T>;
}

/** What a transaction remembers of itself (see `idempotency/write-outcome.ts`). */
export interface TransactionOutcome<R, T> {
  reserve(repos: R): Promise<void>;
  record(repos: R, result: T): Promise<void>;
}

export function prismaUnitOfWork<R>(prisma: Prisma, bind: (db: PrismaExecutor) => R): UnitOfWork<R> {
  const repos = bind(prisma);
  return {
    repos,
    transaction: (fn, outcome) =>
      prisma.$transaction(
        async (tx) => {
          const bound = bind(tx);
          await outcome?.reserve(bound);
          const result = await fn(bound);
          await outcome?.record(bound, result);
          return result;
        },
        { maxWait: 2_000, timeout: 10_000 },
      ),
  };
}
