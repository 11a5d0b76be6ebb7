import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { envWithoutVaultSettings } from '../support/run-script.ts';

/** Slow on purpose (≈10 s of CPU): the demo is what a new user runs — npm, an embedded database's first start, a
 * vault and the reference processor as processes — so it is run whole, as they would. */
describe('npm run demo', () => {
  it('runs a whole payment through a payment session, the pay form’s calls and the reference processor (node-jose), masked', () => {
    const env = envWithoutVaultSettings();
    const run = spawnSync('npm', ['run', '-s', 'demo'], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 150_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('APPROVED visa •••• 0077 for 1299.00 EUR');
    expect(run.stdout).toContain('"code":"token_not_found"');
    expect(run.stdout).toContain('approved by the reference processor');
    expect(run.stdout).toContain('signature verified');
    expect(run.stdout).toContain('"answer":{"status":"paid"}');
    expect(run.stdout).toContain('"state":"confirmed"');
    expect(run.stdout).toMatch(/Audit trail of this payment \(\d+ events/);
    for (const action of ['card_session.create', 'card.create', 'payment_session.create', 'card.decrypt', 'payment_token.issue', 'payment_session.confirm', 'payment_session.read', 'payment_token.redeem']) expect(run.stdout).toContain(action);
    expect(run.stdout + run.stderr).not.toMatch(/4000000000000077|4000 0000 0000 0077"/);
    // The security code the script types as the browser would goes only to the vault: never printed.
    expect(run.stdout + run.stderr).not.toMatch(/"cvc"|(?<![\w-])123(?![\w-])/);
  }, 180_000);
});
