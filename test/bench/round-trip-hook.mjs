/**
 * Loaded into the vault by `npm run bench -- redeem` (`node --import`). SIGUSR2 opens a window and the next one
 * closes it; over the window it counts every PostgreSQL statement the vault sends (node-postgres `Client#query`:
 * by prepared-statement name, or by its text — BEGIN, COMMIT, SELECT 1), the transactions they make, and every
 * Redis command (ioredis `sendCommand`: by command name), each with the time from being sent to its answer, and
 * writes them as JSON to $BENCH_ROUND_TRIP_FILE when the window closes (written whole, then renamed: the benchmark
 * waits for the name). Outside a window it costs a test or two per call. A build under test links this checkout's
 * node_modules, so `pg` and `ioredis` resolve to the same files here as in the vault and the prototypes patched
 * are the ones it uses (a window that saw no statement says otherwise, and the benchmark fails on it).
 */
import { renameSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { Redis } from 'ioredis';

const file = process.env['BENCH_ROUND_TRIP_FILE'];
if (file) {
  let open = false;
  let postgres = new Map();
  let redis = new Map();
  let transactions = { committed: 0, rolledBack: 0 };
  const note = (into, name, t0) => {
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const seen = into.get(name) ?? { count: 0, ms: 0 };
    seen.count++;
    seen.ms += ms;
    into.set(name, seen);
  };

  // Transactions as the vault sends them: a BEGIN … COMMIT is one, and so is each statement outside one
  // (autocommit). Followed on every connection whether a window is open or not, so one opened mid-transaction
  // still knows. (pg_stat_database's xact_commit also counts autovacuum's transactions: not the vault's.)
  const inTransaction = Symbol('bench: in a transaction');
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, ...rest) {
    const verb = typeof config === 'string' ? config.trim().toUpperCase() : '';
    const wasIn = this[inTransaction] === true;
    if (verb === 'BEGIN') this[inTransaction] = true;
    else if (verb === 'COMMIT' || verb === 'ROLLBACK') this[inTransaction] = false;
    if (!open) return query.call(this, config, ...rest);
    if (verb === 'COMMIT' || verb === 'ROLLBACK' || (!wasIn && verb !== 'BEGIN')) transactions[verb === 'ROLLBACK' ? 'rolledBack' : 'committed']++;
    const into = postgres;
    const name = typeof config === 'string' ? config.trim().slice(0, 60) : (config?.name ?? String(config?.text ?? '?').trim().slice(0, 60));
    const t0 = process.hrtime.bigint();
    const at = rest.findIndex((a) => typeof a === 'function');
    if (at >= 0) {
      const callback = rest[at];
      rest[at] = function (...args) {
        note(into, name, t0);
        return callback.apply(this, args);
      };
      return query.call(this, config, ...rest);
    }
    const result = query.call(this, config, ...rest);
    if (result && typeof result.then === 'function') result.then(() => note(into, name, t0), () => note(into, name, t0));
    return result;
  };

  const sendCommand = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (command, ...rest) {
    if (open && command?.promise) {
      const into = redis;
      const t0 = process.hrtime.bigint();
      const name = String(command.name ?? '?');
      command.promise.then(() => note(into, name, t0), () => note(into, name, t0));
    }
    return sendCommand.call(this, command, ...rest);
  };

  let openedAt = 0n;
  process.on('SIGUSR2', () => {
    if (!open) {
      postgres = new Map();
      redis = new Map();
      transactions = { committed: 0, rolledBack: 0 };
      openedAt = process.hrtime.bigint();
      open = true;
      return;
    }
    open = false;
    const seconds = Number(process.hrtime.bigint() - openedAt) / 1e9;
    // Answers still in flight land in the maps already taken: the benchmark closes the window after its last answer.
    const text = JSON.stringify({ seconds, transactions, postgres: Object.fromEntries(postgres), redis: Object.fromEntries(redis) });
    writeFileSync(`${file}.part`, text);
    renameSync(`${file}.part`, file);
  });
}
