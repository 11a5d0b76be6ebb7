import { spawn } from 'node:child_process';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { envWithoutVaultSettings } from '../support/run-script.ts';

export interface FloorProcess {
  readonly pid: number;
  readonly internalUrl: string;
  readonly publicUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts floor-server.ts as its own process on the bench database; ready when it prints its ports. `node` adds
 * Node options and environment (the profile benchmark's hook).
 */
export async function startFloorProcess(databaseUrl: string, node: { args?: readonly string[]; env?: Record<string, string> } = {}): Promise<FloorProcess> {
  const child = spawn(process.execPath, [...(node.args ?? []), '--import', 'tsx', 'test/bench/floor-server.ts'], {
    cwd: REPO_ROOT,
    env: { ...envWithoutVaultSettings(), ...node.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-8192);
  });
  const ports = await new Promise<{ internal: number; public: number }>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`floor server did not start:\n${output}`)), 60_000);
    child.once('exit', () => reject(new Error(`floor server exited:\n${output}`)));
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n').find((l) => l.includes('"floor":"listening"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { internal: number; public: number });
      }
    });
  });
  return {
    pid: child.pid!,
    internalUrl: `https://localhost:${ports.internal}`,
    publicUrl: `https://localhost:${ports.public}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
