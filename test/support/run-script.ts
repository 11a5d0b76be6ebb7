import { execFile, spawnSync } from 'node:child_process';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';

/** This process's environment without any vault setting, so a child starts from the vault's defaults. */
export function envWithoutVaultSettings(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VAULT_') && k !== 'DATABASE_URL'));
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

/** `runNpmScript`, without blocking the test process (so several can run at once). */
export function runNpmScriptAsync(script: string, env: Record<string, string>, args: string[] = []): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const clean = envWithoutVaultSettings();
  return new Promise((resolve) => {
    execFile('npm', ['run', '-s', script, ...(args.length ? ['--', ...args] : [])], { cwd: REPO_ROOT, env: { ...clean, ...env }, encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
