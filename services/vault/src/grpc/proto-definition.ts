import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import path from 'node:path';
import { REPO_ROOT } from '../config/repo-paths.ts';
import type { ProtoGrpcType } from './generated/vault.ts';
import { messageDescriptors, wireProblem, type WireProblem } from './wire-types.ts';

export const VAULT_PROTO = path.join(REPO_ROOT, 'services/vault/proto/vault/v1/vault.proto');

/**
 * How the .proto is read at run time — the same options `npm run grpc:generate` gives the type generator, so the
 * generated types describe these objects: camelCase fields (as in the JSON API), int64 as numbers (amounts in
 * minor units are far below 2^53), unset fields absent (a missing field is refused like a missing JSON member).
 */
export const LOADER_OPTIONS: protoLoader.Options = { keepCase: false, longs: Number, enums: String, defaults: false, oneofs: false };
// (oneofs: false — proto3 `optional` fields are synthetic oneofs; with `true` each set one also arrives as a
// `_name` member, which the strict input schemas rightly refuse as an unknown field.)

/**
 * A request whose bytes are not a well-formed instance of its message (see `strictRequests`): the handler never
 * sees it; the call answers `invalid_request` with this problem (a redeem: the service's one 404, audited).
 */
export const UNREADABLE = Symbol('unreadable request');
export type Unreadable = { readonly [UNREADABLE]: WireProblem };

export function isUnreadable(request: unknown): request is Unreadable {
  return typeof request === 'object' && request !== null && UNREADABLE in request;
}

/**
 * Requests are read as strictly as the HTTP API reads JSON, before protobuf.js reads them: a field number the
 * message does not declare (protobuf would skip it in silence) or a value in a wire type its field does not allow
 * (protobuf would misread it, or fail the call with INTERNAL before the vault sees it) is found by walking the
 * bytes against the message's descriptor, nested messages included, and answered with the vault's code, request
 * id and log line — `invalid_request` with `unknown_field` or `invalid_type` at the path, as over HTTP.
 */
function strictRequests(service: grpc.ServiceDefinition, definition: protoLoader.PackageDefinition): grpc.ServiceDefinition {
  const descriptors = messageDescriptors(definition);
  const methods = definition['vault.v1.Vault'] as unknown as Record<string, { requestType: { type: { name: string } } }>;
  const strict: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(service)) {
    const requestName = `vault.v1.${methods[name]!.requestType.type.name}`;
    strict[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        const problem = wireProblem(bytes, requestName, descriptors);
        if (problem) return { [UNREADABLE]: problem } satisfies Unreadable;
        try {
          return method.requestDeserialize(bytes);
        } catch {
          return { [UNREADABLE]: { path: '', code: 'invalid_type' } } satisfies Unreadable;
        }
      },
    };
  }
  return strict as grpc.ServiceDefinition;
}

export function loadVaultProto(): { definition: protoLoader.PackageDefinition; service: grpc.ServiceDefinition } {
  const definition = protoLoader.loadSync(VAULT_PROTO, LOADER_OPTIONS);
  const loaded = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
  return { definition, service: strictRequests(loaded.vault.v1.Vault.service, definition) };
}
