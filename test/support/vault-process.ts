import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { listeningPorts } from '../../services/vault/src/dev/listening-ports.ts';
import { clientCert, request } from './https-client.ts';
import { envWithoutVaultSettings } from './run-script.ts';

export interface VaultProcess {
  readonly pid: number;
  readonly internalPort: number;
  readonly publicPort: number;
  readonly internalUrl: string;
  readonly publicUrl: string;
  /** `localhost:<port>` of its gRPC listener. */
  readonly grpcTarget: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the vault as its own process (as in production), on the given database. Its listeners take ports the
 * OS chooses (unless `env` names some) and the probe port is off unless given, so it runs beside anything;
 * ready when it has said where it listens (its `info` start-up line: keep VAULT_LOG_LEVEL at info or below)
 * and its internal listener answers /readyz.
 */
export async function startVaultProcess(
  env: Record<string, string>,
  nodeArgs: readonly string[] = (process.env['BENCH_VAULT_NODE_OPTIONS'] ?? '').split(' ').filter(Boolean),
  /** What runs: the TypeScript sources through tsx (default), or the compiled build (`npm run build` first). */
  entry: readonly string[] = ['--import', 'tsx', 'services/vault/src/main.ts'],
): Promise<VaultProcess> {
  const clean = envWithoutVaultSettings();
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...entry], {
    cwd: REPO_ROOT,
    env: { ...clean, VAULT_INTERNAL_PORT: '0', VAULT_PUBLIC_PORT: '0', VAULT_PROBE_PORT: '0', VAULT_GRPC_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Keeps the start-up output whole and then only the last 64 KiB (a benchmark's request log is large).
  let output = '';
  const keep = (d: Buffer) => {
    output += d.toString();
    if (output.length > 256 * 1024) output = output.slice(0, 64 * 1024) + '\n…\n' + output.slice(-64 * 1024);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const deadline = Date.now() + 60_000;
  const identity = clientCert('admin');
  for (;;) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`vault did not start:\n${output}`);
    const ports = listeningPorts(output);
    const ready = ports && (await request(`https://localhost:${ports.internal}`, '/readyz', { identity }).then((r) => r.status === 200, () => false));
    if (ports && ready) {
      return {
        pid: child.pid!,
        internalPort: ports.internal,
        publicPort: ports.public,
        internalUrl: `https://localhost:${ports.internal}`,
        publicUrl: `https://localhost:${ports.public}`,
        grpcTarget: `localhost:${ports.grpc ?? 0}`,
        output: () => output,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
