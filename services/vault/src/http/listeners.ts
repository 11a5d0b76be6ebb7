import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { VaultConfig } from '../config/vault-config.ts';

/** TLS 1.2 with AEAD, forward-secret suites only; TLS 1.3 suites are all acceptable and left to OpenSSL. */
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
].join(':');

const TLS_BASE = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', ciphers: TLS12_CIPHERS, honorCipherOrder: true } as const;

export interface Listening {
  readonly server: http.Server;
  readonly port: number;
  /** Re-reads the certificate and key from disk; new handshakes use them, open connections carry on. */
  reloadTls(): void;
  close(): Promise<void>;
}

function listen(server: http.Server, host: string, port: number, secureContext?: () => https.ServerOptions): Promise<Listening> {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        reloadTls: () => {
          // Read (and so validate) everything first: a bad file leaves the running context untouched.
          if (secureContext) (server as https.Server).setSecureContext(secureContext());
        },
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** The internal listener: mutual TLS; a client without a certificate from the internal CA fails the handshake. */
export function listenInternal(app: Express, tls: VaultConfig['tls'], host: string, port: number): Promise<Listening> {
  const context = () => ({ ...TLS_BASE, cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile), ca: readFileSync(tls.clientCaFile) });
  const server = https.createServer({ ...context(), requestCert: true, rejectUnauthorized: true }, app);
  return listen(server, host, port, context);
}

/** The public listener: server-authenticated TLS for the hosted card form. */
export function listenPublic(app: Express, tls: VaultConfig['tls'], host: string, port: number): Promise<Listening> {
  const context = () => ({ ...TLS_BASE, cert: readFileSync(tls.publicCertFile), key: readFileSync(tls.publicKeyFile) });
  const server = https.createServer(context(), app);
  return listen(server, host, port, context);
}

/** Plain HTTP, loopback only, for probes and metrics. */
export function listenProbe(app: Express, port: number): Promise<Listening> {
  return listen(http.createServer(app), '127.0.0.1', port);
}
