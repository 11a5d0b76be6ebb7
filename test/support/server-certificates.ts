import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';

/** The SHA-256 fingerprint of the certificate a fresh handshake on `port` presents. */
export function presentedCertificate(port: number, client: tls.ConnectionOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: readFileSync(keysExample('tls', 'ca.pem')), ...client }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

/** Issues a new `localhost` server certificate from the example CA into `dir`, at `certFile` and `keyFile` there. */
export function issueServerCertificate(dir: string, certFile: string, keyFile: string): void {
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  const at = (name: string) => path.join(dir, name);
  run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', at(keyFile)]);
  run(['req', '-new', '-key', at(keyFile), '-subj', '/CN=localhost', '-out', at('server.csr')]);
  writeFileSync(at('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  run(['x509', '-req', '-in', at('server.csr'), '-CA', keysExample('tls', 'ca.pem'), '-CAkey', keysExample('tls', 'ca-key.pem'), '-CAcreateserial', '-CAserial', at('ca.srl'), '-days', '2', '-extfile', at('server.ext'), '-out', at(certFile)]);
}
