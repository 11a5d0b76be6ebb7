import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { envWithoutVaultSettings } from './run-script.ts';

/** Starts the vault as its own process (as in production), on the given database and ports; ready when its probe port says so. */
export async function startVaultProcess(env: Record<string, string>): Promise<{ pid: number; output(): string; stop(): Promise<void> }> {
  const clean = envWithoutVaultSettings();
  const child: ChildProcess = spawn(process.execPath, [...(process.env['BENCH_VAULT_NODE_OPTIONS'] ?? '').split(' ').filter(Boolean), '--import', 'tsx', 'services/vault/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 60_000;
  const probe = `http://127.0.0.1:${env['VAULT_PROBE_PORT']}/readyz`;
  while (!(await fetch(probe).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`vault did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid: child.pid!,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
