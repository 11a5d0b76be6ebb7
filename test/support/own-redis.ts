import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import { freePort } from './free-port.ts';


export interface OwnRedis {
  readonly url: string;
  readonly port: number;
  /** Its working folder (a temp folder, deleted by `stop`): it saves nothing, but anything it writes lands there. */
  readonly dir: string;
  /** Freezes the server (SIGSTOP): connections stay open, nothing answers. */
  pause(): void;
  /** Thaws it (SIGCONT). */
  resume(): void;
  /** Kills it (SIGKILL) and starts a new, empty one on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A redis-server of the test's own on a free port, so a test can stop it without touching the shared one.
 * With `tls`, it speaks only TLS, with the example server certificate.
 */
export async function startOwnRedis(options: { tls?: boolean; certFile?: string; keyFile?: string; caFile?: string; prefix?: string } = {}): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), options.prefix ?? 'vault-redis-own-'));
  const listen = options.tls
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', options.certFile ?? keysExample('tls', 'vault.pem'), '--tls-key-file', options.keyFile ?? keysExample('tls', 'vault-key.pem'), '--tls-ca-cert-file', options.caFile ?? keysExample('tls', 'ca.pem'), '--tls-auth-clients', 'no']
    : ['--port', String(port)];
  const launch = async (): Promise<ChildProcess> => {
    mkdirSync(dir, { recursive: true }); // again after a `stop` (a test may start it again with `restart`)
    const started = spawn('redis-server', [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await (options.tls ? accepts(port) : pings(port)))) {
      if (Date.now() > deadline || started.exitCode !== null) throw new Error(`redis-server did not start on port ${port}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return started;
  };
  const kill = (target: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (target.exitCode !== null || target.signalCode !== null) return resolve();
      target.once('exit', () => resolve());
      target.kill('SIGCONT');
      target.kill('SIGKILL');
    });
  let child = await launch();
  return {
    url: `${options.tls ? 'rediss://localhost' : 'redis://127.0.0.1'}:${port}`,
    port,
    dir,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    async restart() {
      await kill(child);
      child = await launch();
    },
    async stop() {
      const killed = kill(child); // the signal goes now; the folder goes with it (nothing in it is in use)
      rmSync(dir, { recursive: true, force: true });
      await killed;
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
