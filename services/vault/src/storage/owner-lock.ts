import { statement, type Sql } from './sql.ts';

const LOCK = statement('owner_lock', 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))');

/**
 * Serialises one kind of write (`namespace`) for one owner until the current transaction ends: a
 * transaction-scoped PostgreSQL advisory lock on a hash of namespace, tenant and user (length-prefixed, so no
 * two owners share a key by concatenation). What a per-user cap needs to hold under concurrency.
 */
export async function lockOwnerForTransaction(sql: Sql, namespace: string, owner: Owner): Promise<void> {
  await sql.rows(LOCK, [ownerLockKey(namespace, owner)]);
}

/** The advisory lock's key (before hashing); the same for a lock taken inside a database function. */
export function ownerLockKey(namespace: string, owner: Owner): string {
  return `${namespace}|${owner.tenantId.length}:${owner.tenantId}|${owner.userId}`;
}

type Owner = { readonly tenantId: string; readonly userId: string };
