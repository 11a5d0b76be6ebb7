import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import path from 'node:path';
import { REPO_ROOT } from '../config/repo-paths.ts';
import type { ProtoGrpcType } from './generated/vault.ts';

export const VAULT_PROTO = path.join(REPO_ROOT, 'services/vault/proto/vault/v1/vault.proto');

/**
 * How the .proto is read at run time — the same options `npm run grpc:generate` gives the type generator, so the
 * generated types describe these objects: camelCase fields (as in the JSON API), int64 as numbers (amounts in
 * minor units are far below 2^53), unset fields absent (a missing field is refused like a missing JSON member).
 */
export const LOADER_OPTIONS: protoLoader.Options = { keepCase: false, longs: Number, enums: String, defaults: false, oneofs: true };

export function loadVaultProto(): { definition: protoLoader.PackageDefinition; service: grpc.ServiceDefinition } {
  const definition = protoLoader.loadSync(VAULT_PROTO, LOADER_OPTIONS);
  const loaded = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
  return { definition, service: loaded.vault.v1.Vault.service };
}
