/** After the benchmarks: `npm run audit:verify` on the bench database, as an operator would run it. */
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { envWithoutVaultSettings } from '../support/run-script.ts';
import type { AuditVerifySection } from './bench-results.ts';

export function verifyBenchAuditChain(databaseUrl: string): AuditVerifySection {
  const run = spawnSync('npm', ['run', '-s', 'audit:verify'], {
    cwd: REPO_ROOT,
    env: { ...envWithoutVaultSettings(), DATABASE_URL: databaseUrl },
    encoding: 'utf8',
    timeout: 30 * 60_000,
  });
  const summary = `${run.stdout}${run.stderr}`.trim().split('\n').filter(Boolean).pop() ?? `audit:verify: no output (exit ${run.status})`;
  return { ok: run.status === 0, summary };
}
