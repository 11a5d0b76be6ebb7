import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import { request } from '../support/https-client.ts';
import { startTestVault, type TestVault } from '../support/test-vault.ts';
import https from 'node:https';

/** The certificate a fresh TLS handshake with the public listener presents. */
function presented(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: readFileSync(keysExample('tls', 'ca.pem')) }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

let v: TestVault;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vault-tls-'));
  copyFileSync(keysExample('tls', 'vault.pem'), path.join(dir, 'vault.pem'));
  copyFileSync(keysExample('tls', 'vault-key.pem'), path.join(dir, 'vault-key.pem'));
  v = await startTestVault({ env: { VAULT_TLS_CERT_FILE: path.join(dir, 'vault.pem'), VAULT_TLS_KEY_FILE: path.join(dir, 'vault-key.pem') } });
});
afterAll(async () => {
  await v.close();
});

describe('certificate reload without a restart', () => {
  it('a new handshake shows the new certificate while open connections keep working', async () => {
    const port = Number(new URL(v.publicUrl).port);
    const before = await presented(port);
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await request(v.publicUrl, '/v1/nothing', { agent })).status).toBe(404);

    // Issue a new server certificate from the example CA and put it in place.
    const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
    run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path.join(dir, 'vault-key.pem')]);
    run(['req', '-new', '-key', path.join(dir, 'vault-key.pem'), '-subj', '/CN=localhost', '-out', path.join(dir, 'vault.csr')]);
    require_ext(dir);
    run(['x509', '-req', '-in', path.join(dir, 'vault.csr'), '-CA', keysExample('tls', 'ca.pem'), '-CAkey', keysExample('tls', 'ca-key.pem'), '-CAcreateserial', '-CAserial', path.join(dir, 'ca.srl'), '-days', '2', '-extfile', path.join(dir, 'ext'), '-out', path.join(dir, 'vault.pem')]);
    v.reloadTls();

    const after = await presented(port);
    expect(after).not.toBe(before);
    // The keep-alive connection opened before the reload is still served.
    expect((await request(v.publicUrl, '/v1/nothing', { agent })).status).toBe(404);
    expect((await v.internal('/healthz')).status).toBe(200); // the internal listener serves the new certificate too
    agent.destroy();
  });

  it('a broken file on disk leaves the running certificate in place', async () => {
    const port = Number(new URL(v.publicUrl).port);
    const before = await presented(port);
    copyFileSync(keysExample('tls', 'ca.pem'), path.join(dir, 'vault-key.pem')); // not a key
    expect(() => v.reloadTls()).toThrow();
    expect(await presented(port)).toBe(before);
  });
});

function require_ext(d: string) {
  execFileSync('sh', ['-c', `printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' > '${path.join(d, 'ext')}'`]);
}

describe('both listeners speak TLS 1.2 and 1.3 only, with forward-secret AEAD suites', () => {
  const handshake = (port: number, options: tls.ConnectionOptions) =>
    new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: readFileSync(keysExample('tls', 'ca.pem')), ...options }, () => {
        resolve(`${socket.getProtocol()} ${socket.getCipher().name}`);
        socket.end();
      });
      socket.on('error', reject);
    });
  for (const listener of ['public', 'internal'] as const) {
    it(`${listener}: refuses TLS 1.1 and a non-forward-secret TLS 1.2 suite; accepts TLS 1.2 ECDHE-GCM and 1.3`, async () => {
      const port = Number(new URL(listener === 'public' ? v.publicUrl : v.internalUrl).port);
      const client = listener === 'internal' ? { cert: readFileSync(keysExample('tls', 'clients', 'admin.pem')), key: readFileSync(keysExample('tls', 'clients', 'admin-key.pem')) } : {};
      await expect(handshake(port, { ...client, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' })).rejects.toThrow();
      await expect(handshake(port, { ...client, maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA:AES256-GCM-SHA384' })).rejects.toThrow();
      expect(await handshake(port, { ...client, maxVersion: 'TLSv1.2' })).toMatch(/^TLSv1\.2 ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
      expect(await handshake(port, client)).toMatch(/^TLSv1\.3 TLS_/);
    });
  }
});
