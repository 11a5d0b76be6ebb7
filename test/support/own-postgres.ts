import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import { freePort } from './free-port.ts';


function postgresBin(tool: string): string {
  const versions = readdirSync('/usr/lib/postgresql').sort();
  return `/usr/lib/postgresql/${versions[versions.length - 1]}/bin/${tool}`;
}

/**
 * A fresh cluster (initdb into a temp folder). PostgreSQL refuses to run as root: as root, the cluster is owned and
 * run by the `postgres` user (Debian's package makes it); as anyone else, by that user. Its superuser is `postgres`,
 * with a random password over TCP (scram-sha-256): a superuser with no password on a loopback port would let any
 * local user run programs as whoever runs the tests (COPY … TO PROGRAM). The socket, in the private temp folder,
 * stays trusted for the tools.
 */
function initCluster(prefix: string) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const data = path.join(dir, 'data');
  const root = process.getuid?.() === 0;
  const postgresUid = root ? Number(execFileSync('id', ['-u', 'postgres']).toString().trim()) : process.getuid!();
  const postgresGid = root ? Number(execFileSync('id', ['-g', 'postgres']).toString().trim()) : process.getgid!();
  if (root) chownSync(dir, postgresUid, postgresGid);
  const asPostgres = (tool: string, args: string[]) =>
    root ? execFileSync('runuser', ['-u', 'postgres', '--', postgresBin(tool), ...args], { stdio: 'ignore' }) : execFileSync(postgresBin(tool), args, { stdio: 'ignore' });
  const password = randomBytes(18).toString('base64url');
  const passwordFile = path.join(dir, 'password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (root) chownSync(passwordFile, postgresUid, postgresGid);
  asPostgres('initdb', ['-D', data, '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${passwordFile}`, '-U', 'postgres', '--no-sync']);
  rmSync(passwordFile);
  return { dir, data, postgresUid, postgresGid, asPostgres, password };
}

/**
 * A PostgreSQL instance of the test's own (initdb into a temp folder, run as the `postgres` user), with
 * `ssl = on` and the example server certificate (or the given one), refusing any connection that is not TLS.
 */
export async function startTlsPostgres(material: { certFile: string; keyFile: string; caFile: string } = { certFile: keysExample('tls', 'vault.pem'), keyFile: keysExample('tls', 'vault-key.pem'), caFile: keysExample('tls', 'ca.pem') }): Promise<{ url: string; stop(): Promise<void> }> {
  const { dir, data, postgresUid, postgresGid, asPostgres, password } = initCluster('vault-pg-tls-');
  for (const [from, to] of [[material.certFile, 'server.crt'], [material.keyFile, 'server.key']] as const) {
    copyFileSync(from, path.join(data, to));
    chownSync(path.join(data, to), postgresUid, postgresGid);
    chmodSync(path.join(data, to), 0o600);
  }
  // TLS or nothing.
  writeFileSync(path.join(data, 'pg_hba.conf'), 'local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\nhostnossl all all 0.0.0.0/0 reject\n');
  const port = await freePort();
  asPostgres('pg_ctl', ['-D', data, '-w', '-l', path.join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c ssl=on -c fsync=off`, 'start']);
  return {
    url: `postgresql://postgres:${password}@localhost:${port}/postgres?sslmode=verify-full&sslrootcert=${encodeURIComponent(material.caFile)}`,
    async stop() {
      try {
        asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export interface OwnPostgres {
  /** A plain (loopback, no TLS) URL of the `postgres` database. */
  readonly url: string;
  /** Its temp folder (data, socket, log), deleted by `stop`. */
  readonly dir: string;
  /** Stops the server at once (`-m fast`: every connection is terminated); the data stays. */
  stopServer(): void;
  /** Starts it again on the same port and data. */
  startServer(): void;
  /** Stops it for good and deletes its data. */
  stop(): Promise<void>;
}

/** A plain PostgreSQL of the test's own (initdb into a temp folder), for tests that stop and start it. */
export async function startOwnPostgres(prefix = 'vault-pg-own-'): Promise<OwnPostgres> {
  const { dir, data, asPostgres, password } = initCluster(prefix);
  const port = await freePort();
  const startServer = () => asPostgres('pg_ctl', ['-D', data, '-w', '-l', path.join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  startServer();
  return {
    url: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`,
    dir,
    stopServer: () => asPostgres('pg_ctl', ['-D', data, '-w', '-m', 'fast', 'stop']),
    startServer,
    async stop() {
      try {
        asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } catch {
        // already stopped
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
