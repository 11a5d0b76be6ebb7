import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';

/**
 * This process's environment without any vault setting, so a child starts from the vault's defaults — except
 * Redis, when the run has one elsewhere (TEST_REDIS_URL: a throwaway the global setup started): the vault's
 * default address is then not this run's Redis. Callers' own VAULT_REDIS_URL still wins.
 */
export function envWithoutVaultSettings(): Record<string, string | undefined> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VAULT_') && k !== 'DATABASE_URL'));
  const redis = process.env['TEST_REDIS_URL'];
  return redis ? { ...clean, VAULT_REDIS_URL: redis } : clean;
}

/** Runs an npm script of the project the way an operator would, with only the given VAULT_* / DATABASE_URL. */
export function runNpmScript(script: string, env: Record<string, string>, args: string[] = []) {
  const clean = envWithoutVaultSettings();
  const result = spawnSync('npm', ['run', '-s', script, ...(args.length ? ['--', ...args] : [])], {
    cwd: REPO_ROOT,
    env: { ...clean, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * A TypeScript command run directly with Node (`node --import tsx <script>`, no npm in between, so a signal sent to
 * `child` reaches the command itself — SIGKILL tests need that), with only the given VAULT_* / DATABASE_URL;
 * `done` gives its exit and everything it printed (stdout and stderr together).
 */
export function spawnNodeScript(script: string, args: readonly string[], env: Record<string, string>): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; out: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO_ROOT, env: { ...envWithoutVaultSettings(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, done: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, out }))) };
}

/** `runNpmScript`, without blocking the test process (so several can run at once). */
export function runNpmScriptAsync(script: string, env: Record<string, string>, args: string[] = []): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const clean = envWithoutVaultSettings();
  return new Promise((resolve) => {
    execFile('npm', ['run', '-s', script, ...(args.length ? ['--', ...args] : [])], { cwd: REPO_ROOT, env: { ...clean, ...env }, encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
