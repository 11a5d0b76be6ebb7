import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * The PostgreSQL and Redis a test run uses, and whether they are there: `npm test`'s prerequisites check
 * (scripts/test-prerequisites.ts) and the global setup (which starts throwaway ones) ask the same questions here.
 * Cheap on purpose (a TCP connect each, a few stat calls): it runs before every `npm test`.
 */

export const DEFAULT_TEST_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/vault_test';
export const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379';

export interface ServiceState {
  readonly name: 'PostgreSQL' | 'Redis';
  /** The variable that names it (TEST_DATABASE_URL, TEST_REDIS_URL). */
  readonly variable: string;
  readonly url: string;
  /** `host:port`. */
  readonly address: string;
  /** Something accepts connections there. */
  readonly answers: boolean;
  /** Where the server program is, to start a throwaway one; null: not installed. */
  readonly program: string | null;
}

/** The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/<major>/bin), or null. */
export function postgresBinDir(root = '/usr/lib/postgresql'): string | null {
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')) && existsSync(path.join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(a) - Number(b));
  return versions.length ? path.join(root, versions[versions.length - 1]!, 'bin') : null;
}

/** `command`'s path on PATH, or null. */
export function onPath(command: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

/** True when something accepts a TCP connection at host:port within `timeoutMs`. */
export function answers(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function hostPort(url: string, defaultPort: number): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1', port: Number(u.port || defaultPort) };
}

/** Where this run's PostgreSQL and Redis are (TEST_DATABASE_URL, TEST_REDIS_URL) and whether they answer. */
export async function inspectServices(env: NodeJS.ProcessEnv = process.env): Promise<{ postgres: ServiceState; redis: ServiceState }> {
  const databaseUrl = env['TEST_DATABASE_URL'] ?? DEFAULT_TEST_DATABASE_URL;
  const redisUrl = env['TEST_REDIS_URL'] ?? DEFAULT_TEST_REDIS_URL;
  const pg = hostPort(databaseUrl, 5432);
  const rd = hostPort(redisUrl, 6379);
  const [pgAnswers, redisAnswers] = await Promise.all([answers(pg.host, pg.port), answers(rd.host, rd.port)]);
  const postgresBin = pgAnswers ? null : postgresBinDir();
  return {
    postgres: { name: 'PostgreSQL', variable: 'TEST_DATABASE_URL', url: databaseUrl, address: `${pg.host}:${pg.port}`, answers: pgAnswers, program: postgresBin && path.join(postgresBin, 'postgres') },
    redis: { name: 'Redis', variable: 'TEST_REDIS_URL', url: redisUrl, address: `${rd.host}:${rd.port}`, answers: redisAnswers, program: redisAnswers ? null : onPath('redis-server') },
  };
}

/** The one line saying a service is neither there nor startable, and how to get it. */
export function missingLine(s: ServiceState): string {
  const pkg = s.name === 'PostgreSQL' ? 'postgresql' : 'redis-server';
  const where = s.name === 'PostgreSQL' ? '/usr/lib/postgresql/*/bin' : 'redis-server on PATH';
  return `${s.name}: nothing answers at ${s.address} (${s.variable}) and none is installed to start one for the run (${where}): apt-get install ${pkg}, or point ${s.variable} at a running server`;
}
