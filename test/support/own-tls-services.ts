import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdtempSync, readdirSync, rmSync, appendFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

function postgresBin(tool: string): string {
  const versions = readdirSync('/usr/lib/postgresql').sort();
  return `/usr/lib/postgresql/${versions[versions.length - 1]}/bin/${tool}`;
}

/**
 * A PostgreSQL instance of the test's own (initdb into a temp folder, run as the `postgres` user), with
 * `ssl = on` and the example server certificate, refusing any connection that is not TLS.
 */
export async function startTlsPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vault-pg-tls-'));
  const data = path.join(dir, 'data');
  const postgresUid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const postgresGid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(dir, postgresUid, postgresGid);
  const asPostgres = (tool: string, args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', postgresBin(tool), ...args], { stdio: 'ignore' });
  asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  for (const [from, to] of [['vault.pem', 'server.crt'], ['vault-key.pem', 'server.key']] as const) {
    copyFileSync(keysExample('tls', from), path.join(data, to));
    chownSync(path.join(data, to), postgresUid, postgresGid);
    chmodSync(path.join(data, to), 0o600);
  }
  // TLS or nothing.
  appendFileSync(path.join(data, 'pg_hba.conf'), '\n');
  execFileSync('sh', ['-c', `printf 'hostssl all all 127.0.0.1/32 trust\\nhostnossl all all 0.0.0.0/0 reject\\n' > '${path.join(data, 'pg_hba.conf')}'`]);
  const port = await freePort();
  asPostgres('pg_ctl', ['-D', data, '-w', '-l', path.join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c ssl=on -c fsync=off`, 'start']);
  return {
    url: `postgresql://postgres@localhost:${port}/postgres?sslmode=verify-full&sslrootcert=${encodeURIComponent(keysExample('tls', 'ca.pem'))}`,
    async stop() {
      try {
        asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A redis-server of the test's own that speaks only TLS, with the example server certificate. */
export async function startTlsRedis(): Promise<{ url: string; port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--tls-cert-file', keysExample('tls', 'vault.pem'), '--tls-key-file', keysExample('tls', 'vault-key.pem'), '--tls-ca-cert-file', keysExample('tls', 'ca.pem'), '--tls-auth-clients', 'no', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 10_000;
  while (!(await new Promise<boolean>((resolve) => net.connect(port, '127.0.0.1').once('connect', function (this: net.Socket) { this.destroy(); resolve(true); }).once('error', () => resolve(false))))) {
    if (Date.now() > deadline) throw new Error('TLS redis-server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `rediss://localhost:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
