import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Express } from 'express';
import type { ConnectionLimits, VaultConfig } from '../config/vault-config.ts';

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

/** Node's own defaults when the vault's config gives none (probe listener). */
const PROBE_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  idleSocketTimeoutMs: 30_000,
  tlsHandshakeTimeoutMs: 5_000,
  maxConnections: 100,
};

/** Options only `createServer` takes: how often Node checks the header and request deadlines. */
function serverOptions(limits: ConnectionLimits): http.ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

/**
 * Socket hygiene on every listener: a request's headers and the whole request must arrive in time, an idle
 * keep-alive connection is closed, a socket with no traffic at all (one that never sends a request, or stalls
 * mid-way) is closed, a TLS handshake must finish in time, and past `maxConnections` new connections are
 * dropped at once — so nobody can hold file descriptors open from the internet.
 */
function listen(server: http.Server, host: string, port: number, limits: ConnectionLimits, secureContext?: () => https.ServerOptions): Promise<Listening> {
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.maxConnections = limits.maxConnections;
  server.setTimeout(limits.idleSocketTimeoutMs, (socket) => socket.destroy());
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
export function listenInternal(app: Express, tls: VaultConfig['tls'], host: string, port: number, limits: ConnectionLimits): Promise<Listening> {
  const context = () => ({ ...TLS_BASE, cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile), ca: readFileSync(tls.clientCaFile) });
  const server = https.createServer({ ...context(), ...serverOptions(limits), handshakeTimeout: limits.tlsHandshakeTimeoutMs, requestCert: true, rejectUnauthorized: true }, app);
  // A connection's client certificate is its identity for the connection's life (the caller's service is read
  // once per connection): no TLS 1.2 renegotiation may present another.
  server.on('secureConnection', (socket: TLSSocket) => socket.disableRenegotiation());
  return listen(server, host, port, limits, context);
}

/** The public listener: server-authenticated TLS for the hosted card form. */
export function listenPublic(app: Express, tls: VaultConfig['tls'], host: string, port: number, limits: ConnectionLimits): Promise<Listening> {
  const context = () => ({ ...TLS_BASE, cert: readFileSync(tls.publicCertFile), key: readFileSync(tls.publicKeyFile) });
  const server = https.createServer({ ...context(), ...serverOptions(limits), handshakeTimeout: limits.tlsHandshakeTimeoutMs }, app);
  return listen(server, host, port, limits, context);
}

/** Plain HTTP, loopback only, for probes and metrics. */
export function listenProbe(app: Express, port: number): Promise<Listening> {
  return listen(http.createServer(serverOptions(PROBE_LIMITS), app), '127.0.0.1', port, PROBE_LIMITS);
}
