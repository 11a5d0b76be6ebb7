import { randomBytes } from 'node:crypto';
import { startOwnPostgres, type OwnPostgres } from './own-postgres.ts';
import { startOwnRedis, type OwnRedis } from './own-redis.ts';
import { dropDatabase, ensureDatabase, migrateDatabase, withDatabase } from './test-database.ts';
import { inspectServices, missingLine, type ServiceState } from './test-services.ts';

/**
 * Once per `npm test` run, before any test file (workers inherit what this sets in process.env):
 *
 * - PostgreSQL and Redis: the servers TEST_DATABASE_URL and TEST_REDIS_URL name (default the local ones on 5432 and
 *   6379). Where nothing answers and the server is installed, a throwaway one of this run's own (a temp folder, a
 *   port the OS chooses) is started, the run pointed at it, and it is stopped and its folder deleted at the end.
 *   Where nothing answers and none is installed, the run stops with one line saying what to install.
 * - A database of the run's own (`<base>_run_<random>` on that server), created and migrated with the same offline
 *   path as `npm run migrate`, handed to every test file through TEST_DATABASE_URL, and dropped at the end — so two
 *   runs on one machine never share rows, locks or audit chains.
 * - A Redis key prefix of the run's own (TEST_REDIS_KEY_PREFIX) for clients opened without a vault: the contract
 *   tests of the Redis stores. Vaults namespace their keys by their database's deployment id.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const { postgres, redis } = await inspectServices();
  const unavailable = [postgres, redis].filter((s) => !s.answers && !s.program);
  if (unavailable.length) throw new Error(unavailable.map(missingLine).join('\n'));

  const throwaway: { postgres?: OwnPostgres; redis?: OwnRedis } = {};
  // Stops what this run started even when vitest ends without its teardown: an exit mid-run, or a SIGTERM or
  // SIGHUP (which would otherwise end the process at once). Only SIGKILL leaves them behind.
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    // Both stop calls do their work synchronously (pg_ctl, SIGKILL, rm) before their first await.
    void throwaway.postgres?.stop();
    void throwaway.redis?.stop();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    stopNow();
    unguard();
    process.kill(process.pid, signal);
  };
  const unguard = () => {
    process.removeListener('exit', stopNow);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGHUP', onSignal);
  };
  process.once('exit', stopNow);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  const teardown = async () => {
    unguard();
    if (stopped) return;
    stopped = true;
    const stops = [];
    if (throwaway.postgres) stops.push(throwaway.postgres.stop().then(() => say(postgres, `throwaway stopped, ${throwaway.postgres!.dir} removed`)));
    if (throwaway.redis) stops.push(throwaway.redis.stop().then(() => say(redis, `throwaway stopped, ${throwaway.redis!.dir} removed`)));
    await Promise.all(stops);
  };

  let url: string | undefined;
  try {
    let base = postgres.url;
    if (!postgres.answers) {
      throwaway.postgres = await startOwnPostgres('vault-pg-run-');
      base = withDatabase(throwaway.postgres.url, new URL(postgres.url).pathname.slice(1) || 'vault_test');
      say(postgres, `nothing at ${postgres.address}; throwaway at ${new URL(base).host} for this run (${throwaway.postgres.dir})`);
    }
    if (!redis.answers) {
      throwaway.redis = await startOwnRedis({ prefix: 'vault-redis-run-' });
      process.env['TEST_REDIS_URL'] = throwaway.redis.url;
      say(redis, `nothing at ${redis.address}; throwaway at 127.0.0.1:${throwaway.redis.port} for this run (${throwaway.redis.dir})`);
    }
    const name = `${new URL(base).pathname.slice(1)}_run_${randomBytes(5).toString('hex')}`;
    url = withDatabase(base, name);
    await ensureDatabase(url);
    await migrateDatabase(url);
    process.env['TEST_DATABASE_URL'] = url;
    // The run's namespace on Redis for clients without a vault (test vaults take their database's deployment id).
    process.env['TEST_REDIS_KEY_PREFIX'] ??= `test-run-${randomBytes(5).toString('hex')}`;
  } catch (err) {
    await teardown();
    throw err;
  }
  return async () => {
    try {
      // A throwaway server goes whole; only a shared one needs the run's database dropped.
      if (!throwaway.postgres) await dropDatabase(url!);
    } finally {
      await teardown();
    }
  };
}

function say(service: ServiceState, what: string): void {
  console.log(`${service.name}: ${what}`);
}
