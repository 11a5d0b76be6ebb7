import type pg from 'pg';

/**
 * The vault's request path talks to PostgreSQL through this thin layer over the pg pool Prisma also uses:
 * every statement is a named constant, prepared once per connection and then sent as a bind/execute only.
 * Measured here (2 cores, local PostgreSQL): a Prisma Client 7 `findFirst` costs ~620 µs of the vault's CPU,
 * the same lookup as a prepared statement ~70 µs, and a Prisma interactive transaction ~250 µs on top of
 * its statements — most of a card write. `prisma/schema.prisma` and `prisma/migrations/` stay the source of
 * truth for the tables; every statement here runs in the repository contract tests against them.
 */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

const known = new Map<string, string>();

/** Declares a statement; its name is its identity on every connection, so one name never has two texts. */
export function statement(name: string, text: string): Statement {
  const previous = known.get(name);
  if (previous !== undefined && previous !== text) throw new Error(`two SQL statements are named ${name}`);
  known.set(name, text);
  return { name, text };
}

/**
 * Every statement declared so far, in the order declared (a copy: the registry itself cannot be changed through
 * it). Module-level statements are declared on import; test/integration/schema-and-sql.test.ts imports every
 * module that declares some and PREPAREs each against the migrated database.
 */
export function declaredStatements(): readonly Statement[] {
  return Object.freeze([...known].map(([name, text]) => Object.freeze({ name, text })));
}

/** Runs statements on the pool (each on its own, autocommitted) or on one transaction's connection. */
export interface Sql {
  rows<R>(statement: Statement, values: readonly unknown[]): Promise<R[]>;
  /** Rows changed (or returned) by the statement. */
  count(statement: Statement, values: readonly unknown[]): Promise<number>;
}

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

export function sqlOn(db: Queryable): Sql {
  return {
    async rows<R>(s: Statement, values: readonly unknown[]): Promise<R[]> {
      const result = await db.query({ name: s.name, text: s.text, values: values as unknown[] });
      return result.rows as R[];
    },
    async count(s: Statement, values: readonly unknown[]): Promise<number> {
      const result = await db.query({ name: s.name, text: s.text, values: values as unknown[] });
      return result.rowCount ?? 0;
    },
  };
}

/**
 * Runs `fn` in one transaction on one pooled connection: COMMIT when it resolves, ROLLBACK when it throws (the
 * error is rethrown). A connection whose rollback fails is destroyed, never handed to the next request.
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let discard: Error | undefined;
  try {
    await client.query('BEGIN').catch((err: Error) => {
      discard = err;
      throw err;
    });
    try {
      const result = await fn(sqlOn(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        discard = rollbackError;
      });
      throw err;
    }
  } finally {
    client.release(discard);
  }
}

/** A data-modifying statement that rides, as a CTE, ahead of the next statement run (one round trip, one transaction). */
export interface Companion {
  readonly statement: Statement;
  readonly values: readonly unknown[];
}

const combined = new Map<string, Statement>();

/** `main` with `companion` as a leading CTE named "companion"; `main`'s parameters are renumbered after its. */
function withCompanion(companion: Statement, paramCount: number, main: Statement): Statement {
  const name = `${main.name}+${companion.name}`;
  let found = combined.get(name);
  if (!found) {
    // The renumbering below is textual: it must never meet a `$n` inside a literal or a function body.
    if (/'|\$\$|^\s*WITH\s+RECURSIVE\s/i.test(main.text)) throw new Error(`statement ${main.name} cannot carry a companion: literals, dollar quotes and WITH RECURSIVE are refused`);
    const shifted = main.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + paramCount}`);
    const lead = `WITH "companion" AS (${companion.text})`;
    const text = /^\s*WITH\s/i.test(shifted) ? shifted.replace(/^\s*WITH\s/i, `${lead}, `) : `${lead} ${shifted}`;
    found = statement(name, text);
    combined.set(name, found);
  }
  return found;
}

/**
 * `sql` whose next statement also runs `companion` (the two commit or fail together); `carried()` says whether
 * it has. Statements after the first run as they are.
 */
export function carrying(sql: Sql, companion: Companion): { readonly sql: Sql; carried(): boolean } {
  let pending = true;
  const take = (main: Statement, values: readonly unknown[]): [Statement, readonly unknown[]] => {
    if (!pending) return [main, values];
    const both = withCompanion(companion.statement, companion.values.length, main);
    pending = false;
    return [both, [...companion.values, ...values]];
  };
  return {
    sql: {
      rows: async (main, values) => sql.rows(...take(main, values)),
      count: async (main, values) => sql.count(...take(main, values)),
    },
    carried: () => !pending,
  };
}
