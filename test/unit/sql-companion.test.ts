import { describe, expect, it } from 'vitest';
import { carrying, statement, type Sql, type Statement } from '../../services/vault/src/storage/sql.ts';

/** An Sql that records what it would send. */
function recorder(): { sql: Sql; sent: Array<{ text: string; values: readonly unknown[] }> } {
  const sent: Array<{ text: string; values: readonly unknown[] }> = [];
  const run = async (s: Statement, values: readonly unknown[]) => {
    sent.push({ text: s.text, values });
    return [];
  };
  return { sql: { rows: run, count: async (s, v) => (await run(s, v)).length }, sent };
}

const companion = { statement: statement('test_companion', 'INSERT INTO "log" ("a", "b") VALUES ($1, $2)'), values: ['x', 'y'] };

describe('a companion statement rides ahead of the next one', () => {
  it('renumbers the main statement’s parameters after the companion’s ($1 → $3, $10 → $12), once', async () => {
    const { sql, sent } = recorder();
    const lead = carrying(sql, companion);
    const main = statement('test_main', 'SELECT * FROM "t" WHERE "a" = $1 AND "b" = $10');
    await lead.sql.rows(main, ['m1', 'm10']);
    await lead.sql.rows(main, ['again']);
    expect(sent[0]).toEqual({ text: 'WITH "companion" AS (INSERT INTO "log" ("a", "b") VALUES ($1, $2)) SELECT * FROM "t" WHERE "a" = $3 AND "b" = $12', values: ['x', 'y', 'm1', 'm10'] });
    expect(sent[1]).toEqual({ text: main.text, values: ['again'] });
    expect(lead.carried()).toBe(true);
  });

  it('joins a main statement that has its own WITH', async () => {
    const { sql, sent } = recorder();
    await carrying(sql, companion).sql.rows(statement('test_with', 'WITH "x" AS (SELECT $1::int AS "n") SELECT "n" FROM "x"'), [1]);
    expect(sent[0]!.text).toBe('WITH "companion" AS (INSERT INTO "log" ("a", "b") VALUES ($1, $2)), "x" AS (SELECT $3::int AS "n") SELECT "n" FROM "x"');
  });

  it('refuses a main statement whose text could hold a $n the renumbering must not touch', async () => {
    const { sql } = recorder();
    for (const [name, text] of [
      ['test_literal', "SELECT '$1' AS a, $1 AS b"],
      ['test_dollar', 'SELECT $$ $1 $$'],
      ['test_recursive', 'WITH RECURSIVE r AS (SELECT $1::int) SELECT * FROM r'],
    ] as const) {
      await expect(carrying(sql, companion).sql.rows(statement(name, text), [1])).rejects.toThrow(/cannot carry a companion/);
    }
  });
});
