import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export interface TestPki {
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  /** A client certificate and key for `spiffe://<trustDomain>/<service>`. */
  client(service: string): { certFile: string; keyFile: string };
}

/**
 * A certificate authority of the test's own (EC P-256, openssl), a `localhost` server certificate and client
 * certificates from it, in `dir` — none of keys-example/, which production mode refuses.
 */
export function makeTestPki(dir: string, trustDomain = 'vault.internal'): TestPki {
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  const at = (name: string) => path.join(dir, name);
  const key = (file: string) => run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', at(file)]);
  key('ca-key.pem');
  run(['req', '-x509', '-new', '-key', at('ca-key.pem'), '-subj', '/CN=vault test CA', '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', at('ca.pem')]);
  const issue = (name: string, subject: string, extensions: string) => {
    key(`${name}-key.pem`);
    run(['req', '-new', '-key', at(`${name}-key.pem`), '-subj', subject, '-out', at(`${name}.csr`)]);
    writeFileSync(at(`${name}.ext`), extensions);
    run(['x509', '-req', '-in', at(`${name}.csr`), '-CA', at('ca.pem'), '-CAkey', at('ca-key.pem'), '-CAcreateserial', '-CAserial', at('ca.srl'), '-days', '2', '-extfile', at(`${name}.ext`), '-out', at(`${name}.pem`)]);
    return { certFile: at(`${name}.pem`), keyFile: at(`${name}-key.pem`) };
  };
  const server = issue('server', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  return {
    caFile: at('ca.pem'),
    serverCertFile: server.certFile,
    serverKeyFile: server.keyFile,
    client: (service) => issue(`client-${service.replaceAll('/', '.')}`, `/CN=${service.replaceAll('/', '.')}`, `subjectAltName=URI:spiffe://${trustDomain}/${service}\nextendedKeyUsage=clientAuth\n`),
  };
}
