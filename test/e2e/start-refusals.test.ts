import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { listeningPorts } from '../../services/vault/src/dev/listening-ports.ts';
import { envWithoutVaultSettings } from '../support/run-script.ts';
import { startOwnRedis } from '../support/own-redis.ts';
import { TEST_DATABASE_URL } from '../support/test-database.ts';

/**
 * A second vault, or one pointed at a taken port, refuses at once with one line naming what to change.
 * Slow on purpose: real vault processes, one of them on an embedded database started from nothing (the lock is
 * that database's).
 */
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vault-refusal-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const devEnv = (dataDir: string, env: Record<string, string> = {}) => ({
  ...envWithoutVaultSettings(),
  VAULT_INTERNAL_PORT: '0',
  VAULT_PUBLIC_PORT: '0',
  VAULT_PROBE_PORT: '0',
  VAULT_GRPC_PORT: '0',
  VAULT_DEV_DATA_DIR: dataDir,
  ...env,
});
const main = ['--import', 'tsx', 'services/vault/src/main.ts'];

describe('start-up refusals', () => {
  it('a taken port: exit 78 naming the variable, before the database is opened', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as net.AddressInfo).port;
    const dataDir = path.join(tempDir(), 'pgdata');
    try {
      const run = spawnSync(process.execPath, main, { cwd: REPO_ROOT, env: devEnv(dataDir, { VAULT_PUBLIC_PORT: String(port) }), encoding: 'utf8', timeout: 60_000 });
      expect(run.status).toBe(78);
      expect(run.stderr.trim().split('\n').at(-1)).toBe(
        `vault refused to start: VAULT_PUBLIC_PORT: port ${port} on 127.0.0.1 is in use (another vault?); set VAULT_PUBLIC_PORT to a free port, or 0 to let the OS choose`,
      );
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      taken.close();
    }
  }, 60_000);

  it('two vaults on one embedded data folder: the second says which process holds it', async () => {
    const dataDir = path.join(tempDir(), 'pgdata');
    const first = spawn(process.execPath, main, { cwd: REPO_ROOT, env: devEnv(dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    first.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    first.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    try {
      const deadline = Date.now() + 60_000;
      while (!listeningPorts(output)) {
        if (first.exitCode !== null || Date.now() > deadline) throw new Error(`first vault did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const second = spawnSync(process.execPath, main, { cwd: REPO_ROOT, env: devEnv(dataDir), encoding: 'utf8', timeout: 60_000 });
      expect(second.status).toBe(78);
      expect(second.stderr).toContain(`vault refused to start: the embedded database under ${dataDir} is in use by process ${first.pid}`);
      expect(second.stderr).toContain('VAULT_DEV_DATA_DIR');
    } finally {
      first.kill('SIGTERM');
      await new Promise((r) => first.once('exit', r));
    }
    // The lock goes with the vault: a next one starts.
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  }, 120_000);

  it('says when Redis is unreachable at start-up, and when it is back', async () => {
    const redis = await startOwnRedis();
    await redis.stop();
    // On the run's PostgreSQL, not an embedded one: what is under test is Redis, and an embedded database's
    // first start (initdb in WebAssembly) costs seconds of CPU.
    const vault = spawn(process.execPath, main, { cwd: REPO_ROOT, env: devEnv(path.join(tempDir(), 'pgdata'), { VAULT_REDIS_URL: redis.url, DATABASE_URL: TEST_DATABASE_URL }), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    vault.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    vault.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await expect.poll(() => output, { timeout: 60_000, interval: 200 }).toContain('Redis is unreachable: payment-token routes answer 503 until it is back');
      await redis.restart();
      await expect.poll(() => output, { timeout: 15_000, interval: 200 }).toContain('Redis is reachable again');
    } finally {
      vault.kill('SIGTERM');
      await new Promise((r) => vault.once('exit', r));
      await redis.stop();
    }
  }, 120_000);
});
