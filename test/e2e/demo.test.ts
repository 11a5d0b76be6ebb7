import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { envWithoutVaultSettings } from '../support/run-script.ts';

/** Slow on purpose (≈10 s of CPU): the demo is what a new user runs — npm, an embedded database's first start, a
 * vault and the reference processor as processes — so it is run whole, as they would. */
describe('npm run demo', () => {
  it('runs a whole payment through a dev vault and the reference processor (node-jose), masked', () => {
    const env = envWithoutVaultSettings();
    const run = spawnSync('npm', ['run', '-s', 'demo'], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 150_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('APPROVED visa •••• 0077 for 1299.00 EUR');
    expect(run.stdout).toContain('"code":"token_not_found"');
    expect(run.stdout).toContain('approved by the reference processor');
    expect(run.stdout).toMatch(/Audit trail of this payment \(\d+ events/);
    for (const action of ['card_session.create', 'card.create', 'card.decrypt', 'payment_token.issue', 'payment_token.redeem']) expect(run.stdout).toContain(action);
    expect(run.stdout + run.stderr).not.toMatch(/4000000000000077|4000 0000 0000 0077"/);
  }, 180_000);
});
