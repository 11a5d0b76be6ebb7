import * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import net, { type AddressInfo } from 'node:net';
import type { ConnectionLimits, VaultConfig } from '../config/vault-config.ts';
import type { ReadinessReport } from '../observability/readiness.ts';
import { loadVaultProto } from './proto-definition.ts';
import { reflectionDefinition } from './reflection-descriptors.ts';
import { ReloadableServerCredentials } from './reloadable-credentials.ts';

export interface GrpcListening {
  readonly port: number;
  /** Re-reads the certificate, key and CA from disk (what SIGHUP does); new handshakes use them. */
  reloadTls(): void;
  close(): Promise<void>;
}

/** The service name health checks ask about (and '' for the whole server). */
export const VAULT_SERVICE_NAME = 'vault.v1.Vault';

/**
 * Limits on every connection: a request message is small (the largest is a processor's JWKS), a client gets a
 * bounded number of concurrent calls, idle and overlong connections are closed, and pings are answered but not
 * allowed to flood.
 */
const SERVER_OPTIONS: grpc.ServerOptions = {
  'grpc.max_receive_message_length': 64 * 1024,
  'grpc.max_send_message_length': 1024 * 1024,
  'grpc.max_concurrent_streams': 100,
  'grpc.max_connection_idle_ms': 5 * 60_000,
  'grpc.max_connection_age_ms': 30 * 60_000,
  'grpc.max_connection_age_grace_ms': 30_000,
  'grpc.keepalive_time_ms': 2 * 60_000,
  'grpc.keepalive_timeout_ms': 20_000,
  'grpc.http2.min_ping_interval_without_data_ms': 10_000,
  'grpc.http2.max_ping_strikes': 2,
};

/**
 * `vault.v1.Vault` on its own port with the internal listener's mutual TLS: the same certificate and key, only
 * clients with a certificate from the internal CA (the SPIFFE URI in it names the service), plus standard health
 * checking (`grpc.health.v1`, following readiness) and server reflection.
 */
export async function listenGrpc(
  handlers: grpc.UntypedServiceImplementation,
  tls: VaultConfig['tls'],
  host: string,
  port: number,
  ready: () => Promise<ReadinessReport>,
  limits: ConnectionLimits,
): Promise<GrpcListening> {
  const { service } = loadVaultProto();
  /* Precondition: every method of vault.proto has its handler (an operation-table entry naming it) — none is left
     to answer UNIMPLEMENTED, and no handler names a method the proto lacks. */
  const unbound = Object.keys(service).filter((method) => !handlers[method]);
  const unknown = Object.keys(handlers).filter((method) => !(method in service));
  if (unbound.length || unknown.length) throw new Error(`gRPC methods without an operation: ${unbound.join(', ') || '-'}; operations naming no method of vault.proto: ${unknown.join(', ') || '-'}`);
  const server = new grpc.Server(SERVER_OPTIONS);
  server.addService(service, handlers);
  const health = new HealthImplementation({ '': 'NOT_SERVING', [VAULT_SERVICE_NAME]: 'NOT_SERVING' });
  health.addToServer(server);
  // Reflection describes every service the port serves, the vault's and the health service, as their .proto files
  // are written (snake_case fields, protoc's map entries) — not the camelCase definition the handlers use.
  new ReflectionService(reflectionDefinition()).addToServer(server);

  // Serving status follows readiness (PostgreSQL, Redis, keyring), checked every second.
  const follow = async () => {
    const report = await ready().catch(() => null);
    const status = report?.ready ? 'SERVING' : 'NOT_SERVING';
    health.setStatus('', status);
    health.setStatus(VAULT_SERVICE_NAME, status);
  };
  await follow();
  const timer = setInterval(() => void follow(), 1_000);
  timer.unref();

  const credentials = new ReloadableServerCredentials(tls, limits.tlsHandshakeTimeoutMs);
  // The vault owns the listening socket, as for HTTPS: past maxConnections new connections are dropped at once,
  // a socket with no traffic (one that never starts TLS, or a call that stops half-sent) is closed, and a TLS
  // handshake must finish in time — nobody holds file descriptors open. grpc-js gets each accepted socket.
  const injector = server.createConnectionInjector(credentials);
  const listener = net.createServer((socket) => {
    closeWhenIdle(socket, limits.idleSocketTimeoutMs);
    injector.injectConnection(socket);
  });
  listener.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, host, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  return {
    port: (listener.address() as AddressInfo).port,
    reloadTls: () => credentials.reload(),
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        listener.close();
        injector.drain(5_000);
        server.tryShutdown(() => resolve());
        // Calls still running after a grace period are cut off.
        setTimeout(() => {
          injector.destroy();
          server.forceShutdown();
        }, 5_000).unref();
      }),
  };
}

/**
 * Closes `socket` once nothing has crossed it for `idleMs`. Not `socket.setTimeout` alone: once grpc-js wraps the
 * injected socket in TLS, the TLS layer reads the TCP handle natively and the socket's own inactivity timer is never
 * refreshed, so it fired `idleMs` after the connection opened however busy it was (calls in flight failed with
 * UNAVAILABLE "Connection dropped" every VAULT_IDLE_SOCKET_TIMEOUT_MS). The handle's byte counters do move: the
 * timer re-arms while they change.
 */
function closeWhenIdle(socket: net.Socket, idleMs: number): void {
  const traffic = () => `${socket.bytesRead}/${socket.bytesWritten}`;
  let seen = traffic();
  // `on`, not setTimeout's callback (a `once` listener): each idle period is checked.
  socket.on('timeout', () => {
    const now = traffic();
    if (now === seen) return void socket.destroy();
    seen = now;
    socket.setTimeout(idleMs);
  });
  socket.setTimeout(idleMs);
}
