import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ClientIdentity } from './https-client.ts';
import { makeTestPki } from './test-pki.ts';

/**
 * A client certificate that claims a real service's SAN URI but is signed by a CA the vault does not trust (a
 * test PKI of its own).
 */
export function rogueClientCert(service: string): ClientIdentity {
  const client = makeTestPki(mkdtempSync(path.join(tmpdir(), 'rogue-ca-'))).client(service);
  return { cert: readFileSync(client.certFile), key: readFileSync(client.keyFile) };
}
