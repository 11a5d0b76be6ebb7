import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import { readFileSync } from 'node:fs';
import { startTestVault, type TestVault } from '../support/test-vault.ts';

/**
 * Socket hygiene on both listeners, with real sockets against short limits: nobody holds a connection (and so a
 * file descriptor) open without sending a request, finishing a handshake, or finishing a request in time.
 */
let v: TestVault;
let capped: TestVault;
const CA = readFileSync(keysExample('tls', 'ca.pem'));
const client = { cert: readFileSync(keysExample('tls', 'clients', 'account-settings.pem')), key: readFileSync(keysExample('tls', 'clients', 'account-settings-key.pem')) };

beforeAll(async () => {
  v = await startTestVault({
    env: {
      VAULT_HEADERS_TIMEOUT_MS: '400',
      VAULT_REQUEST_TIMEOUT_MS: '800',
      VAULT_KEEPALIVE_TIMEOUT_MS: '300',
      VAULT_IDLE_SOCKET_TIMEOUT_MS: '600',
      VAULT_TLS_HANDSHAKE_TIMEOUT_MS: '300',
    },
  });
  // Long timeouts here: a quick close can only be the connection cap.
  capped = await startTestVault({ env: { VAULT_MAX_CONNECTIONS: '4' } });
});
afterAll(async () => {
  await v.close();
  await capped.close();
});

/** Each listener: its name, its port (known once the vault runs) and the client identity it needs. */
const LISTENERS = [
  ['public', (t: TestVault) => Number(new URL(t.publicUrl).port), () => ({})],
  ['internal', (t: TestVault) => Number(new URL(t.internalUrl).port), () => client],
] as const;

/** Milliseconds until the server closes `socket` (or `limit` passes: -1). */
function closedWithin(socket: net.Socket, limit: number): Promise<number> {
  const started = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(-1);
    }, limit);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
    socket.on('error', () => {});
    socket.resume();
  });
}

function tlsConnect(port: number, identity: object): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: CA, ...identity }, () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('both listeners close what an attacker would hold open', () => {
  for (const [name, port, identity] of LISTENERS) {
    it(`${name}: a TCP connection that never starts a TLS handshake is closed (handshake timeout)`, async () => {
      const socket = net.connect(port(v), '127.0.0.1');
      const ms = await closedWithin(socket, 5_000);
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThan(2_000);
    });

    it(`${name}: a TLS connection that never sends a request is closed (idle socket timeout)`, async () => {
      const socket = await tlsConnect(port(v), identity());
      const ms = await closedWithin(socket, 5_000);
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThan(2_500);
    });

    it(`${name}: a request whose headers never finish is cut off (headers timeout)`, async () => {
      const socket = await tlsConnect(port(v), identity());
      socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
      const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 100);
      const ms = await closedWithin(socket, 5_000);
      clearInterval(drip);
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThan(2_500);
    });

    it(`${name}: an idle keep-alive connection is closed after a request (keep-alive timeout)`, async () => {
      const socket = await tlsConnect(port(v), identity());
      let response = '';
      socket.on('data', (d: Buffer) => (response += d.toString()));
      socket.write('GET /v1/nothing HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
      const ms = await closedWithin(socket, 5_000);
      expect(response).toMatch(/^HTTP\/1\.1 (404|403)/);
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThan(2_000);
    });

    it(`${name}: past VAULT_MAX_CONNECTIONS a new connection is dropped at once`, async () => {
      const held = await Promise.all(Array.from({ length: 4 }, () => tlsConnect(port(capped), identity())));
      const extra = net.connect(port(capped), '127.0.0.1');
      const ms = await closedWithin(extra, 4_000); // the handshake timeout (5 s) would close it only later
      expect(ms).toBeGreaterThanOrEqual(0);
      for (const s of held) s.destroy();
      await new Promise((r) => setTimeout(r, 100));
      const after = await tlsConnect(port(capped), identity()); // and once they are gone, connections are served
      after.destroy();
    });
  }
});
