import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { envWithoutVaultSettings } from '../support/run-script.ts';
import { mintDevAssertion } from '../../services/vault/src/dev/dev-assertion.ts';
import { clientCert, request } from '../support/https-client.ts';
import { TEST_DATABASE_URL } from '../support/test-database.ts';
import { FUTURE_YEAR, newUser } from '../support/test-vault.ts';
import { startVaultProcess } from '../support/vault-process.ts';

/** Slow on purpose: node:cluster needs a real primary and two worker processes, each loading the whole vault. */
describe('VAULT_WORKERS=2 (node:cluster)', () => {
  it('serves the card flow from two workers and stops on SIGTERM', async () => {
    const vault = await startVaultProcess({
      DATABASE_URL: TEST_DATABASE_URL,
      VAULT_WORKERS: '2',
    });
    try {
      const user = newUser();
      const bearer = `Bearer ${await mintDevAssertion(user)}`;
      const identity = clientCert('account-settings');
      for (let i = 0; i < 4; i++) {
        const session = await request(vault.internalUrl, '/v1/card-sessions', { identity, body: {}, headers: { authorization: bearer } });
        expect(session.status).toBe(201);
        const card = await request(vault.publicUrl, '/v1/cards', {
          body: { number: ['4242424242424242', '5555555555554444', '378282246310005', '6011111111111117'][i], expMonth: 1, expYear: FUTURE_YEAR, cardholderName: 'Cluster' },
          headers: { authorization: `CardSession ${session.json.clientSecret}` },
        });
        expect(card.status).toBe(201);
      }
      const list = await request(vault.internalUrl, '/v1/cards', { identity, headers: { authorization: bearer } });
      expect(list.json.data).toHaveLength(4);
    } finally {
      await vault.stop();
    }
  }, 90_000);

  it('a start every worker fails (the database unreachable) fails the vault with the workers\' exit code, not 0', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'services/vault/src/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...envWithoutVaultSettings(), DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/vault_test', VAULT_WORKERS: '2', VAULT_INTERNAL_PORT: '0', VAULT_PUBLIC_PORT: '0', VAULT_GRPC_PORT: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr.slice(-500)).toBe(1);
    expect(run.stderr).toMatch(/vault failed to start/);
  }, 90_000);
});

