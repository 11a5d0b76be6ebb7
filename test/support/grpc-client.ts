import * as grpc from '@grpc/grpc-js';
import type { VaultClient } from '../../services/vault/src/grpc/generated/vault/v1/Vault.ts';
import type { ProtoGrpcType } from '../../services/vault/src/grpc/generated/vault.ts';
import * as protoLoader from '@grpc/proto-loader';
import { LOADER_OPTIONS, VAULT_PROTO } from '../../services/vault/src/grpc/proto-definition.ts';
import { CA, clientCert, type ClientIdentity } from './https-client.ts';

export interface GrpcResult<T> {
  readonly error: grpc.ServiceError | null;
  readonly value: T | undefined;
  /** Response headers (x-request-id, idempotent-replayed). */
  readonly header: Record<string, string>;
  /** The vault's error code from the trailers, if the call failed. */
  readonly vaultCode: string | undefined;
}

const loaded = grpc.loadPackageDefinition(protoLoader.loadSync(VAULT_PROTO, LOADER_OPTIONS)) as unknown as ProtoGrpcType;

/**
 * Channel credentials trusting the example CA and presenting the example certificate of `service` (the same
 * cached one the HTTPS client presents), none (`null`), or a given identity (a certificate from another CA).
 */
export function clientCredentials(service: string | null | ClientIdentity): grpc.ChannelCredentials {
  if (service === null) return grpc.credentials.createSsl(CA);
  const identity = typeof service === 'string' ? clientCert(service) : service;
  return grpc.credentials.createSsl(CA, identity.key, identity.cert);
}

/** A `vault.v1.Vault` client with `clientCredentials(service)`. */
export function vaultClient(target: string, service: string | null | ClientIdentity): VaultClient {
  return new loaded.vault.v1.Vault(target, clientCredentials(service));
}

const flat = (m: grpc.Metadata | undefined) => Object.fromEntries(Object.entries(m?.getMap() ?? {}).map(([k, v]) => [k, String(v)]));

/** Calls one unary method; resolves with the value or the error (never rejects). */
export function call<T>(
  client: VaultClient,
  method: keyof VaultClient & string,
  request: object,
  metadata: Record<string, string> = {},
  options: grpc.CallOptions = {},
): Promise<GrpcResult<T>> {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(metadata)) md.set(k, v);
  return new Promise((resolve) => {
    let header: Record<string, string> = {};
    const fn = (client as unknown as Record<string, (...args: unknown[]) => grpc.ClientUnaryCall>)[method]!.bind(client);
    const c = fn(request, md, options, (error: grpc.ServiceError | null, value: T | undefined) => {
      resolve({ error, value, header, vaultCode: error ? flat(error.metadata)['vault-error-code'] : undefined });
    });
    c.on('metadata', (m: grpc.Metadata) => (header = flat(m)));
  });
}
