import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ClientIdentity } from './https-client.ts';

/**
 * A client certificate that claims a real service's SAN URI but is signed by a CA the vault does not trust.
 */
export function rogueClientCert(service: string): ClientIdentity {
  const dir = mkdtempSync(path.join(tmpdir(), 'rogue-ca-'));
  const f = (name: string) => path.join(dir, name);
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f('ca-key.pem')]);
  run(['req', '-x509', '-new', '-key', f('ca-key.pem'), '-subj', '/CN=Rogue CA', '-days', '2', '-out', f('ca.pem')]);
  run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f('key.pem')]);
  run(['req', '-new', '-key', f('key.pem'), '-subj', `/CN=${service.replace('/', '.')}`, '-out', f('csr.pem')]);
  writeFileSync(f('ext'), `extendedKeyUsage=clientAuth\nsubjectAltName=URI:spiffe://vault.internal/${service}\n`);
  run(['x509', '-req', '-in', f('csr.pem'), '-CA', f('ca.pem'), '-CAkey', f('ca-key.pem'), '-CAcreateserial', '-days', '2', '-extfile', f('ext'), '-out', f('cert.pem')]);
  return { cert: readFileSync(f('cert.pem')), key: readFileSync(f('key.pem')) };
}
