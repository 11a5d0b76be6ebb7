import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import path from 'node:path';
import { REPO_ROOT } from '../config/repo-paths.ts';
import type { ProtoGrpcType } from './generated/vault.ts';
import { messageDescriptors, wireTypeMismatch } from './wire-types.ts';

export const VAULT_PROTO = path.join(REPO_ROOT, 'services/vault/proto/vault/v1/vault.proto');

/**
 * How the .proto is read at run time — the same options `npm run grpc:generate` gives the type generator, so the
 * generated types describe these objects: camelCase fields (as in the JSON API), int64 as numbers (amounts in
 * minor units are far below 2^53), unset fields absent (a missing field is refused like a missing JSON member).
 */
export const LOADER_OPTIONS: protoLoader.Options = { keepCase: false, longs: Number, enums: String, defaults: false, oneofs: false };
// (oneofs: false — proto3 `optional` fields are synthetic oneofs; with `true` each set one also arrives as a
// `_name` member, which the strict input schemas rightly refuse as an unknown field.)

/** A request in the wrong wire type, which cannot be read as its message at all (see `strictRequests`). */
export const UNREADABLE = Symbol('unreadable request');
export type Unreadable = { readonly [UNREADABLE]: { readonly path: string; readonly code: 'invalid_type' } };

export function isUnreadable(request: unknown): request is Unreadable {
  return typeof request === 'object' && request !== null && UNREADABLE in request;
}

/**
 * The member a request carrying fields its message does not declare gets, so the service refuses it exactly as it
 * refuses an unknown JSON member (`invalid_request` with an `unknown_field` error; a redeem: `token_not_found`).
 */
export const UNKNOWN_FIELDS_MEMBER = '(fields this message does not declare)';

/**
 * Requests are read as strictly as the HTTP API reads JSON: fields the message does not declare (protobuf would
 * skip them) reach the service as one unknown member, which it refuses like any unknown JSON member; a value in
 * the wrong wire type (protobuf would misread it, or fail the call with INTERNAL before the vault sees it) becomes
 * a marker the call answers `invalid_request` with `invalid_type` at that field's path — with the vault's code,
 * request id and log line. Unknown fields are found by re-encoding: what the vault understood must be every byte
 * that was sent.
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
        const mismatch = wireTypeMismatch(bytes, requestName, descriptors);
        if (mismatch !== null) return { [UNREADABLE]: { path: mismatch, code: 'invalid_type' } } satisfies Unreadable;
        let request: unknown;
        try {
          request = method.requestDeserialize(bytes);
        } catch {
          return { [UNREADABLE]: { path: '', code: 'invalid_type' } } satisfies Unreadable;
        }
        return method.requestSerialize(request).length === bytes.length ? request : { ...(request as object), [UNKNOWN_FIELDS_MEMBER]: true };
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
