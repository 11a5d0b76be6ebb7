import type { PrismaExecutor } from './unit-of-work.ts';

/**
 * Serialises one kind of write (`namespace`) for one owner until the current transaction ends: a
 * transaction-scoped PostgreSQL advisory lock on a hash of namespace, tenant and user (length-prefixed, so no
 * two owners share a key by concatenation). What a per-user cap needs to hold under concurrency.
 */
export async function lockOwnerForTransaction(db: PrismaExecutor, namespace: string, owner: { readonly tenantId: string; readonly userId: string }): Promise<void> {
  const key = `${namespace}|${owner.tenantId.length}:${owner.tenantId}|${owner.userId}`;
  await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
}
