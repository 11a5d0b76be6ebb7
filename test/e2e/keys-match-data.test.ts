import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysExample, REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { envWithoutVaultSettings, runNpmScript } from '../support/run-script.ts';
import { scratchDatabase } from '../support/test-database.ts';
import { newUser, visa } from '../support/test-vault.ts';
import { startVaultProcess } from '../support/vault-process.ts';
import { clientCert, request } from '../support/https-client.ts';
import { mintDevAssertion } from '../../services/vault/src/dev/dev-assertion.ts';

/**
 * A vault must not serve with keys that cannot open its own data: at start-up every key version the data uses
 * must be loaded, and every loaded key must open the canary written when it became current. Otherwise: exit 78
 * and one line naming the key version and the variable to fix.
 * Slow on purpose: a refusal at start-up can only be seen on a real vault process (four starts).
 */
let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
const dirs: string[] = [];
beforeAll(async () => {
  scratch = await scratchDatabase();
  // A first start writes the canaries; one card is stored under v1.
  const vault = await startVaultProcess({ DATABASE_URL: scratch.url });
  try {
    const user = newUser();
    const bearer = `Bearer ${await mintDevAssertion({ ...user, azp: 'account-settings' })}`;
    const session = await request(vault.internalUrl, '/v1/card-sessions', { identity: clientCert('account-settings'), body: {}, headers: { authorization: bearer } });
    const card = await request(vault.publicUrl, '/v1/cards', { body: visa(), headers: { authorization: `CardSession ${session.json.clientSecret}` } });
    expect(card.status).toBe(201);
  } finally {
    await vault.stop();
  }
}, 90_000);
afterAll(async () => {
  await scratch.drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A key folder: the example keys, with the named files replaced by fresh random keys or left out. */
function keyFolder(options: { fresh?: string[]; omit?: string[] } = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vault-keys-'));
  dirs.push(dir);
  for (const file of ['v1.key', 'v2.key', 'fingerprint-v1.key']) {
    if (options.omit?.includes(file)) continue;
    if (options.fresh?.includes(file)) writeFileSync(path.join(dir, file), randomBytes(32).toString('base64'));
    else copyFileSync(keysExample('kek', file), path.join(dir, file));
  }
  return dir;
}

function startVault(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'services/vault/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...envWithoutVaultSettings(), DATABASE_URL: scratch.url, VAULT_INTERNAL_PORT: '0', VAULT_PUBLIC_PORT: '0', VAULT_PROBE_PORT: '0', VAULT_GRPC_PORT: '0', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('keys that do not match the data', () => {
  it('other key material under the same version: refused, naming the version and VAULT_RAW_KEYS_DIR', () => {
    const dir = keyFolder({ fresh: ['v1.key'] });
    const run = startVault({ VAULT_RAW_KEYS_DIR: dir, VAULT_FINGERPRINT_KEYS_DIR: dir });
    expect(run.status).toBe(78);
    expect(run.stderr.trim().split('\n').at(-1)).toBe(
      'keys do not match the data: VAULT_RAW_KEYS_DIR: key v1 does not open what key v1 encrypted: it is other key material under the same version',
    );
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack
  }, 60_000);

  it('a key version the data uses is not loaded: refused', () => {
    const dir = keyFolder({ omit: ['v1.key'] });
    const run = startVault({ VAULT_RAW_KEYS_DIR: dir, VAULT_FINGERPRINT_KEYS_DIR: dir, VAULT_KEY_CURRENT: 'v2' });
    expect(run.status).toBe(78);
    expect(run.stderr).toContain('keys do not match the data: VAULT_RAW_KEYS_DIR: data is encrypted under key v1, which is not loaded');
  }, 60_000);

  it('another fingerprint key under the same version: refused, naming VAULT_FINGERPRINT_KEYS_DIR', () => {
    const dir = keyFolder({ fresh: ['fingerprint-v1.key'] });
    const run = startVault({ VAULT_RAW_KEYS_DIR: dir, VAULT_FINGERPRINT_KEYS_DIR: dir });
    expect(run.status).toBe(78);
    expect(run.stderr).toContain('keys do not match the data: VAULT_FINGERPRINT_KEYS_DIR: fingerprint key v1 is not the key card fingerprints were made with');
  }, 60_000);
});

describe('npm run keys:example', () => {
  it('refuses to replace existing keys without --force, and says what --force breaks', () => {
    const digest = () => createHash('sha256').update(readFileSync(keysExample('kek', 'v1.key'))).digest('hex');
    const before = digest();
    const run = runNpmScript('keys:example', {});
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('keys:example: refused — keys-example/ exists');
    expect(run.stderr).toContain('--force');
    expect(digest()).toBe(before);
    const help = runNpmScript('keys:example', {}, ['--help']);
    expect(help.status).toBe(0);
    expect(digest()).toBe(before);
  }, 60_000);
});
