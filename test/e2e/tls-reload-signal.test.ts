import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import { TEST_DATABASE_URL } from '../support/test-database.ts';
import { startVaultProcess } from '../support/vault-process.ts';

function presented(port: number, client = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: readFileSync(keysExample('tls', 'ca.pem')), ...client }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('the vault process', () => {
  it('reloads its certificate on SIGHUP while it keeps serving', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vault-hup-'));
    copyFileSync(keysExample('tls', 'vault.pem'), path.join(dir, 'vault.pem'));
    copyFileSync(keysExample('tls', 'vault-key.pem'), path.join(dir, 'vault-key.pem'));
    const vault = await startVaultProcess({
      DATABASE_URL: TEST_DATABASE_URL,
      VAULT_INTERNAL_PORT: '39443',
      VAULT_PUBLIC_PORT: '39444',
      VAULT_PROBE_PORT: '39464',
      VAULT_TLS_CERT_FILE: path.join(dir, 'vault.pem'),
      VAULT_TLS_KEY_FILE: path.join(dir, 'vault-key.pem'),
    });
    try {
      const client = { cert: readFileSync(keysExample('tls', 'clients', 'admin.pem')), key: readFileSync(keysExample('tls', 'clients', 'admin-key.pem')) };
      const before = [await presented(39443, client), await presented(39444)];
      const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
      run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path.join(dir, 'new-key.pem')]);
      run(['req', '-new', '-key', path.join(dir, 'new-key.pem'), '-subj', '/CN=localhost', '-out', path.join(dir, 'new.csr')]);
      writeFileSync(path.join(dir, 'ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
      run(['x509', '-req', '-in', path.join(dir, 'new.csr'), '-CA', keysExample('tls', 'ca.pem'), '-CAkey', keysExample('tls', 'ca-key.pem'), '-CAcreateserial', '-CAserial', path.join(dir, 'ca.srl'), '-days', '2', '-extfile', path.join(dir, 'ext'), '-out', path.join(dir, 'new.pem')]);
      copyFileSync(path.join(dir, 'new-key.pem'), path.join(dir, 'vault-key.pem'));
      copyFileSync(path.join(dir, 'new.pem'), path.join(dir, 'vault.pem'));
      process.kill(vault.pid, 'SIGHUP');
      await expect.poll(() => vault.output(), { timeout: 10_000 }).toContain('TLS certificates reloaded');
      const after = [await presented(39443, client), await presented(39444)];
      expect(after[0]).not.toBe(before[0]);
      expect(after[1]).not.toBe(before[1]);
      expect((await fetch('http://127.0.0.1:39464/healthz')).status).toBe(200);
    } finally {
      await vault.stop();
    }
  }, 90_000);

  it('refuses `openssl s_client -tls1_1` on both listeners', async () => {
    const vault = await startVaultProcess({ DATABASE_URL: TEST_DATABASE_URL, VAULT_INTERNAL_PORT: '39543', VAULT_PUBLIC_PORT: '39544', VAULT_PROBE_PORT: '39564' });
    try {
      for (const port of [39543, 39544]) {
        const old = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0'], { input: '', encoding: 'utf8', timeout: 10_000 });
        expect(old.status).not.toBe(0);
        expect(old.stdout + old.stderr).toMatch(/alert protocol version|no protocols available|wrong version number|unsupported protocol/i);
        const modern = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_2', '-CAfile', keysExample('tls', 'ca.pem')], { input: '', encoding: 'utf8', timeout: 10_000 });
        expect(modern.stdout).toMatch(/Protocol\s*:\s*TLSv1\.2/);
      }
    } finally {
      await vault.stop();
    }
  }, 90_000);
});
