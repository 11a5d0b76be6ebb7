import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { envWithoutVaultSettings } from '../support/run-script.ts';

function start(env: Record<string, string>) {
  const clean = envWithoutVaultSettings();
  return spawnSync(process.execPath, ['--import', 'tsx', 'services/vault/src/main.ts'], { cwd: REPO_ROOT, env: { ...clean, ...env }, encoding: 'utf8', timeout: 60_000 });
}

describe('the vault refuses bad configuration before it listens', () => {
  it('exits 78 with one line naming the variable', () => {
    const run = start({ VAULT_INTERNAL_PORT: '99999' });
    expect(run.status).toBe(78);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^invalid configuration: VAULT_INTERNAL_PORT: /)]);
  });
  it('production mode refuses the example keys', () => {
    const run = start({
      VAULT_MODE: 'production',
      DATABASE_URL: 'postgresql://postgres@localhost:5432/vault_test?sslmode=verify-full',
      VAULT_TLS_CERT_FILE: 'keys-example/tls/vault.pem',
    });
    expect(run.status).toBe(78);
    expect(run.stderr).toMatch(/VAULT_TLS_CERT_FILE: refers to keys-example\//);
  });
});
