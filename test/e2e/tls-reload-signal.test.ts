import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import { TEST_DATABASE_URL } from '../support/test-database.ts';
import { startVaultProcess } from '../support/vault-process.ts';
import { request } from '../support/https-client.ts';
import { issueServerCertificate, presentedCertificate } from '../support/server-certificates.ts';


describe('the vault process', () => {
  it('reloads its certificate on SIGHUP while it keeps serving', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vault-hup-'));
    copyFileSync(keysExample('tls', 'vault.pem'), path.join(dir, 'vault.pem'));
    copyFileSync(keysExample('tls', 'vault-key.pem'), path.join(dir, 'vault-key.pem'));
    const vault = await startVaultProcess({
      DATABASE_URL: TEST_DATABASE_URL,
      VAULT_TLS_CERT_FILE: path.join(dir, 'vault.pem'),
      VAULT_TLS_KEY_FILE: path.join(dir, 'vault-key.pem'),
    });
    try {
      const client = { cert: readFileSync(keysExample('tls', 'clients', 'admin.pem')), key: readFileSync(keysExample('tls', 'clients', 'admin-key.pem')) };
      const grpcPort = Number(vault.grpcTarget.split(':').pop());
      const h2 = { ...client, ALPNProtocols: ['h2'] };
      const before = [await presentedCertificate(vault.internalPort, client), await presentedCertificate(vault.publicPort), await presentedCertificate(grpcPort, h2)];
      issueServerCertificate(dir, 'new.pem', 'new-key.pem');
      copyFileSync(path.join(dir, 'new-key.pem'), path.join(dir, 'vault-key.pem'));
      copyFileSync(path.join(dir, 'new.pem'), path.join(dir, 'vault.pem'));
      process.kill(vault.pid, 'SIGHUP');
      await expect.poll(() => vault.output(), { timeout: 10_000 }).toContain('TLS certificates reloaded');
      const after = [await presentedCertificate(vault.internalPort, client), await presentedCertificate(vault.publicPort), await presentedCertificate(grpcPort, h2)];
      expect(after[0]).not.toBe(before[0]);
      expect(after[1]).not.toBe(before[1]);
      expect(after[2]).not.toBe(before[2]); // the gRPC listener too
      expect(after[2]).toBe(after[0]);
      // The reload kept the policy: a CBC suite is still refused on the gRPC port (Node resets what it is not given).
      const cbc = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${grpcPort}`, '-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-SHA', '-cert', keysExample('tls', 'clients', 'admin.pem'), '-key', keysExample('tls', 'clients', 'admin-key.pem')], { input: '', encoding: 'utf8', timeout: 10_000 });
      expect(cbc.stdout).not.toMatch(/Cipher is ECDHE-ECDSA-AES128-SHA\b/);
      expect((await request(vault.internalUrl, '/healthz', { identity: client })).status).toBe(200);
    } finally {
      await vault.stop();
    }
  }, 90_000);

  it('refuses `openssl s_client -tls1_1` on every listener (internal, public, gRPC)', async () => {
    const vault = await startVaultProcess({ DATABASE_URL: TEST_DATABASE_URL });
    try {
      for (const port of [vault.internalPort, vault.publicPort, Number(vault.grpcTarget.split(':').pop())]) {
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
