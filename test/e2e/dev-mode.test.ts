import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { mintDevAssertion } from '../../services/vault/src/dev/dev-assertion.ts';
import { clientCert, request } from '../support/https-client.ts';
import { FUTURE_YEAR } from '../support/test-vault.ts';
import { envWithoutVaultSettings } from '../support/run-script.ts';
import { freePort } from '../support/free-port.ts';
import { listeningPorts } from '../../services/vault/src/dev/listening-ports.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The README's first quick-start command: `npm start` with no configuration but where it would collide with
 * anything else on the machine — ports chosen by the OS and a throw-away data folder instead of the
 * developer's own `.vault-dev/pgdata`. It must come up in dev mode on the embedded database and the example
 * certificates, and serve the whole add-a-card flow over real TLS.
 */
let child: ChildProcess;
let output = '';
let internalUrl = '';
let publicUrl = '';
let probePort = 0;
const dataDir = mkdtempSync(path.join(tmpdir(), 'vault-dev-e2e-'));

beforeAll(async () => {
  probePort = await freePort();
  const env = { ...envWithoutVaultSettings(), VAULT_INTERNAL_PORT: '0', VAULT_PUBLIC_PORT: '0', VAULT_PROBE_PORT: String(probePort), VAULT_GRPC_PORT: '0', VAULT_DEV_DATA_DIR: path.join(dataDir, 'pgdata') };
  child = spawn('npm', ['start'], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 90_000;
  while (!output.includes('payment vault listening') || !output.includes('Try it (from the repository root')) {
    if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const ports = listeningPorts(output)!;
  internalUrl = `https://localhost:${ports.internal}`;
  publicUrl = `https://localhost:${ports.public}`;
}, 120_000);

afterAll(async () => {
  if (child.pid && child.exitCode === null) {
    process.kill(-child.pid, 'SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start with no configuration', () => {
  it('announces dev mode loudly and prints the curl commands', () => {
    expect(output).toContain('PAYMENT VAULT — DEV MODE. NOT FOR REAL CARD DATA.');
    expect(output).toContain('embedded PGlite');
    expect(output).toContain('curl -s --cacert keys-example/tls/ca.pem');
  });

  it('creates a session, takes a card on the public listener and lists it masked on the internal one', async () => {
    const user = { sub: `e2e-${Date.now()}`, tid: 'tenant-e2e' };
    const bearer = `Bearer ${await mintDevAssertion(user)}`;
    const identity = clientCert('account-settings');
    const session = await request(internalUrl, '/v1/card-sessions', { identity, body: {}, headers: { authorization: bearer } });
    expect(session.status).toBe(201);
    expect(session.json.formUrl).toBe(`${publicUrl}/v1/card-form`);

    const card = await request(publicUrl, '/v1/cards', {
      body: { number: '4111 1111 1111 1111', expMonth: 3, expYear: FUTURE_YEAR, cardholderName: 'E2E Person' },
      headers: { authorization: `CardSession ${session.json.clientSecret}` },
    });
    expect(card.status).toBe(201);

    const list = await request(internalUrl, '/v1/cards', { identity, headers: { authorization: bearer } });
    expect(list.status).toBe(200);
    expect(list.json.data).toEqual([expect.objectContaining({ id: card.json.id, brand: 'visa', bin: '411111', last4: '1111', cardholderName: 'E2E Person' })]);
    expect(list.text).not.toContain('4111111111111111');

    // The internal listener does not talk to a client without a certificate.
    await expect(request(internalUrl, '/v1/cards', { headers: { authorization: bearer } })).rejects.toThrow();
    // The probe port answers readiness in plain HTTP on loopback.
    const ready = await fetch(`http://127.0.0.1:${probePort}/readyz`);
    expect(await ready.json()).toEqual({ ready: true, checks: { postgres: 'ok', redis: 'ok', keyring: 'ok' } });
    expect(output).not.toContain('4111111111111111');
  });

  it('registers the example processors and the example invoice partners (xero ES256, freshbooks EdDSA)', async () => {
    const admin = clientCert('admin');
    const processors = await request(internalUrl, '/v1/processors', { identity: admin });
    expect(processors.json.data.map((p: { id: string }) => p.id)).toEqual(['freshbooks-payments', 'xero-payments']);
    const partners = await request(internalUrl, '/v1/partners', { identity: admin });
    expect(partners.status).toBe(200);
    expect(partners.json.data.map((p: { id: string; enabled: boolean; jwks: { keys: { alg: string }[] } }) => [p.id, p.enabled, p.jwks.keys.map((k) => k.alg)])).toEqual([
      ['freshbooks', true, ['EdDSA']],
      ['xero', true, ['ES256']],
    ]);
  });
});
