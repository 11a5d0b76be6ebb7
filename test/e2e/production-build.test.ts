import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { listeningPorts } from '../../services/vault/src/dev/listening-ports.ts';
import { request } from '../support/https-client.ts';
import { freePort } from '../support/free-port.ts';
import { startOwnRedis, type OwnRedis } from '../support/own-redis.ts';
import { startTlsPostgres } from '../support/own-postgres.ts';
import { envWithoutVaultSettings } from '../support/run-script.ts';
import { makeTestPki, type TestPki } from '../support/test-pki.ts';

const run = promisify(execFile);
const DIST = (file: string) => path.join(REPO_ROOT, 'dist', file);
const ENTRYPOINT = DIST('services/vault/src/container/entrypoint.js');

/**
 * The production build started exactly as the image's ENTRYPOINT + CMD do (`node dist/…/entrypoint.js
 * dist/…/main.js`, Dockerfile), in production mode with a complete configuration of the test's own: a CA and
 * certificates made here, TLS PostgreSQL (verify-full) and TLS Redis servers of its own, new raw and fingerprint
 * keys, an identity provider's key pair — every secret handed over as SECRET_FILE_* variables, as ECS does.
 */
describe('the production build (npm run build; node dist/…)', () => {
  let dir: string;
  let pki: TestPki;
  let postgres: Awaited<ReturnType<typeof startTlsPostgres>>;
  let redis: OwnRedis;
  let vault: ChildProcess | undefined;
  let output = '';
  let env: Record<string, string>;
  const secret = (n: number) => randomBytes(n).toString('base64');
  const rawKey = secret(32);
  const fingerprintKey = secret(32);

  beforeAll(async () => {
    await run('npm', ['run', '-s', 'build'], { cwd: REPO_ROOT, timeout: 180_000 });
    dir = mkdtempSync(path.join(os.tmpdir(), 'vault-prod-'));
    pki = makeTestPki(dir);
    const server = { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, caFile: pki.caFile };
    [postgres, redis] = await Promise.all([startTlsPostgres(server), startOwnRedis({ tls: true, ...server })]);
    const { publicKey } = await generateKeyPair('ES256');
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' }] });
    const secrets = path.join(dir, 'secrets');
    env = {
      ...envWithoutVaultSettings(),
      VAULT_MODE: 'production',
      DATABASE_URL: postgres.url,
      VAULT_REDIS_URL: redis.url,
      VAULT_REDIS_CA_FILE: path.join(secrets, 'redis-ca.pem'),
      VAULT_KEYRING: 'raw',
      VAULT_RAW_KEYS_DIR: secrets,
      VAULT_KEY_CURRENT: 'v1',
      VAULT_FINGERPRINT_KEYS_DIR: secrets,
      VAULT_FINGERPRINT_KEY_CURRENT: 'v1',
      VAULT_TLS_CERT_FILE: path.join(secrets, 'tls-cert.pem'),
      VAULT_TLS_KEY_FILE: path.join(secrets, 'tls-key.pem'),
      VAULT_TLS_CLIENT_CA_FILE: path.join(secrets, 'client-ca.pem'),
      VAULT_ASSERTION_JWKS_FILE: path.join(secrets, 'assertion-jwks.json'),
      VAULT_ASSERTION_ISSUER: 'https://identity.test.invalid',
      VAULT_ASSERTION_AUDIENCE: 'payment-vault',
      VAULT_PUBLIC_BASE_URL: 'https://cards.test.invalid',
      VAULT_CARD_FORM_ORIGINS: 'https://mail.test.invalid',
      VAULT_INTERNAL_HOST: '127.0.0.1',
      VAULT_PUBLIC_HOST: '127.0.0.1',
      VAULT_INTERNAL_PORT: '0',
      VAULT_PUBLIC_PORT: '0',
      VAULT_GRPC_PORT: '0',
      VAULT_PROBE_PORT: String(await freePort()),
      SECRET_FILES_DIR: secrets,
      SECRET_FILE_TLS_CERT__PEM: readFileSync(pki.serverCertFile, 'utf8'),
      SECRET_FILE_TLS_KEY__PEM: readFileSync(pki.serverKeyFile, 'utf8'),
      SECRET_FILE_CLIENT_CA__PEM: readFileSync(pki.caFile, 'utf8'),
      SECRET_FILE_REDIS_CA__PEM: readFileSync(pki.caFile, 'utf8'),
      SECRET_FILE_ASSERTION_JWKS__JSON: jwks,
      SECRET_FILE_V1__KEY: rawKey,
      SECRET_FILE_FINGERPRINT_V1__KEY: fingerprintKey,
    };
    // The migrator, as the first deployment runs it (infra/README.md): through the same entrypoint.
    await run('node', [ENTRYPOINT, DIST('services/vault/src/storage/migrate-cli.js')], { cwd: REPO_ROOT, env, timeout: 60_000 });
  }, 240_000);

  afterAll(async () => {
    if (vault && vault.exitCode === null) {
      vault.kill('SIGKILL');
      await new Promise((r) => vault!.once('exit', r));
    }
    await redis?.stop();
    await postgres?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('starts in production mode, is ready over its own TLS, passes its health check, runs the rotation job, and stops on SIGTERM', async () => {
    vault = spawn('node', [ENTRYPOINT, DIST('services/vault/src/main.js')], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    vault.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    vault.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 30_000;
    let ports = listeningPorts(output);
    while (!ports) {
      if (vault.exitCode !== null || Date.now() > deadline) throw new Error(`vault did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
      ports = listeningPorts(output);
    }
    expect(output).not.toMatch(/DEV MODE/);

    // The secrets became files only the vault's user can read, and left no trace in the output.
    for (const file of ['tls-key.pem', 'v1.key', 'fingerprint-v1.key', 'assertion-jwks.json']) {
      expect(statSync(path.join(dir, 'secrets', file)).mode & 0o777, file).toBe(0o400);
    }
    for (const material of [rawKey, fingerprintKey, readFileSync(pki.serverKeyFile, 'utf8').split('\n')[1]!]) expect(output).not.toContain(material);

    const admin = pki.client('admin');
    const identity = { cert: readFileSync(admin.certFile), key: readFileSync(admin.keyFile) };
    const ca = readFileSync(pki.caFile);
    const base = `https://localhost:${ports.internal}`;
    let ready = await request(base, '/readyz', { identity, ca });
    while (ready.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      ready = await request(base, '/readyz', { identity, ca });
    }
    expect(ready.status, ready.text).toBe(200);

    // A write through the whole stack: a processor registered (PostgreSQL over TLS, audited).
    const { publicKey } = await generateKeyPair('RSA-OAEP-256', { modulusLength: 2048 });
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'p-1', use: 'enc', alg: 'RSA-OAEP-256' }] };
    const put = await request(base, '/v1/processors/acme-payments', { method: 'PUT', identity, ca, body: { name: 'Acme', enabled: true, jwks } });
    expect([200, 201], put.text).toContain(put.status);

    // Without a client certificate from the test's CA, the handshake is refused.
    await expect(request(base, '/readyz', { ca })).rejects.toThrow();

    // The image's HEALTHCHECK command.
    await expect(run('node', [DIST('services/vault/src/container/probe-health.js')], { env: { ...process.env, VAULT_PROBE_PORT: env['VAULT_PROBE_PORT']! }, timeout: 10_000 })).resolves.toBeDefined();

    // The key-rotation job from the same build and configuration, as the scheduled task runs it.
    const rotation = await run('node', [ENTRYPOINT, DIST('services/key-rotation/src/main.js'), '--dry-run', '--workers', '1'], { cwd: REPO_ROOT, env, timeout: 60_000 });
    expect(rotation.stdout + rotation.stderr).not.toContain(rawKey);

    const exited = new Promise<number | null>((r) => vault!.once('exit', (code) => r(code)));
    vault.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
