import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import { request } from '../support/https-client.ts';
import { issueServerCertificate, presentedCertificate } from '../support/server-certificates.ts';
import { startTestVault, type TestVault } from '../support/test-vault.ts';
import https from 'node:https';


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
    const before = await presentedCertificate(port);
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await request(v.publicUrl, '/v1/nothing', { agent })).status).toBe(404);

    // Issue a new server certificate from the example CA and put it in place.
    issueServerCertificate(dir, 'vault.pem', 'vault-key.pem');
    v.reloadTls();

    const after = await presentedCertificate(port);
    expect(after).not.toBe(before);
    // The keep-alive connection opened before the reload is still served.
    expect((await request(v.publicUrl, '/v1/nothing', { agent })).status).toBe(404);
    expect((await v.internal('/healthz')).status).toBe(200); // the internal listener serves the new certificate too
    agent.destroy();
  });

  it('a broken file on disk leaves the running certificate in place', async () => {
    const port = Number(new URL(v.publicUrl).port);
    const before = await presentedCertificate(port);
    copyFileSync(keysExample('tls', 'ca.pem'), path.join(dir, 'vault-key.pem')); // not a key
    expect(() => v.reloadTls()).toThrow();
    expect(await presentedCertificate(port)).toBe(before);
  });
});


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
