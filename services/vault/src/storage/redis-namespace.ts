import { REDIS_KEY_PREFIX } from '../config/env-schema.ts';
import { statement, type Sql } from './sql.ts';

/**
 * Whose keys these are, in a Redis several vaults may share. Every key the vault writes starts with its
 * deployment's namespace (`<namespace>:vault:token:{…}`), so two vaults on different databases never read or
 * write each other's tokens, rate limits, idempotency records or session tokens. (Revocation epochs, whose shared
 * keys once let a processor disabled in one vault revoke another's tokens, are in PostgreSQL now.)
 *
 * By default the namespace is the deployment id, made once at random in the `vault_deployment` table (by its
 * migration): every vault on one database reads the same id, vaults on two databases differ. VAULT_REDIS_KEY_PREFIX
 * overrides it (an explicit name, or empty for no prefix: the key layout of vaults from before namespacing).
 */
const CREATE_DEPLOYMENT_ID = statement('vault_deployment_create', 'INSERT INTO "vault_deployment" DEFAULT VALUES ON CONFLICT DO NOTHING');
const READ_DEPLOYMENT_ID = statement('vault_deployment_read', 'SELECT "id" FROM "vault_deployment"');

/** The database's deployment id; made now if its row is missing (deleted by hand: the namespace then changes). */
export async function deploymentId(sql: Sql): Promise<string> {
  let rows = await sql.rows<{ id: string }>(READ_DEPLOYMENT_ID, []);
  if (rows.length === 0) {
    await sql.count(CREATE_DEPLOYMENT_ID, []);
    // A statement of its own: it sees the row another vault created at the same moment (the insert did nothing).
    rows = await sql.rows<{ id: string }>(READ_DEPLOYMENT_ID, []);
  }
  const id = rows[0]?.id;
  /* Precondition: the table's CHECK keeps the id a valid namespace; an id that is not one must not name keys. */
  if (rows.length !== 1 || id === undefined || id === '' || !REDIS_KEY_PREFIX.test(id)) throw new Error('vault_deployment must hold exactly one valid id');
  return id;
}

/**
 * The namespace of this deployment's Redis keys: `configured` (VAULT_REDIS_KEY_PREFIX, '' for none) when set,
 * else the database's deployment id.
 */
export async function redisNamespace(configured: string | null, sql: Sql): Promise<string> {
  return configured ?? deploymentId(sql);
}

/** The `keyPrefix` of the client for `namespace` ('' for none): the namespace and the `:` that ends it. */
export function redisKeyPrefix(namespace: string): string {
  /* Precondition: a prefix with `{` would move every key into another Cluster slot; one with `:` could overlap another namespace. */
  if (!REDIS_KEY_PREFIX.test(namespace)) throw new Error('invalid Redis key namespace');
  return namespace === '' ? '' : `${namespace}:`;
}
