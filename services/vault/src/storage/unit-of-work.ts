import type { Prisma } from './database.ts';

export type PrismaExecutor = Omit<Prisma, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/**
 * Repositories bound to one database handle. `transaction` hands the callback repositories bound to a single
 * transaction: everything in it, audit events included, commits together or not at all.
 */
export interface UnitOfWork<R> {
  readonly repos: R;
  transaction<T>(fn: (repos: R) => Promise<T>): Promise<T>;
}

export function prismaUnitOfWork<R>(prisma: Prisma, bind: (db: PrismaExecutor) => R): UnitOfWork<R> {
  const repos = bind(prisma);
  return {
    repos,
    transaction: (fn) => prisma.$transaction((tx) => fn(bind(tx)), { maxWait: 2_000, timeout: 10_000 }),
  };
}
