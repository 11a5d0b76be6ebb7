import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVaultProto } from '../../services/vault/src/grpc/proto-definition.ts';
import { OPERATIONS } from '../../services/vault/src/wiring/operation-table.ts';
import { startTestVault, type TestVault } from '../support/test-vault.ts';

/**
 * Each operation is defined once (wiring/operation-table.ts) and every front end is built from it: the express
 * routes, the gRPC methods and the OpenAPI document. An operation without an HTTP binding, a gRPC method or an
 * OpenAPI entry fails here; so does a proto method no operation binds, and a document that is not valid OpenAPI.
 */
let v: TestVault;
let document: { openapi: string; paths: Record<string, Record<string, { operationId: string; 'x-grpc-method': string; 'x-vault-scope': string }>> };
beforeAll(async () => {
  v = await startTestVault();
  const res = await v.internal('/v1/openapi.json', { as: 'payment-flow' });
  expect(res.status).toBe(200);
  document = res.json as typeof document;
});
afterAll(async () => {
  await v.close();
});

describe('the operation table drives HTTP, gRPC and the OpenAPI document', () => {
  it('the served document is valid OpenAPI 3.1 (by an OpenAPI schema validator)', async () => {
    const validator = new Validator();
    const result = await validator.validate(document as never);
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // The validator is not a rubber stamp: the same document with one parameter in no valid place is refused.
    const broken = structuredClone(document) as unknown as { paths: Record<string, Record<string, { parameters: Array<{ in: string }> }>> };
    broken.paths['/v1/cards/{id}']!['get']!.parameters[0]!.in = 'nowhere';
    expect((await new Validator().validate(broken as never)).valid).toBe(false);
  });

  it('every operation is in it once, at its method and path, with its scope and gRPC method', () => {
    const entries = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, ...op })));
    expect(entries.map((e) => e.operationId).sort()).toEqual(Object.keys(OPERATIONS).sort());
    for (const operation of Object.values(OPERATIONS)) {
      const entry = entries.find((e) => e.operationId === operation.name)!;
      expect(entry.method, operation.name).toBe(operation.http.method);
      expect(entry.path, operation.name).toBe(operation.http.path.replace(/:([A-Za-z]+)/g, '{$1}'));
      expect(entry['x-vault-scope']).toBe(operation.scope);
      expect(entry['x-grpc-method']).toBe(`vault.v1.Vault/${operation.grpc.method}`);
    }
  });

  it('every method of vault.proto is bound by exactly one operation, and every operation names one of them', () => {
    const methods = Object.keys(loadVaultProto().service).sort();
    const bound = Object.values(OPERATIONS).map((o) => o.grpc.method).sort();
    expect(bound).toEqual(methods);
  });

  it('every HTTP binding is routed: a caller without the scope is refused by the operation (403), not 404', async () => {
    for (const operation of Object.values(OPERATIONS)) {
      const path = operation.http.path.replace(/:[A-Za-z]+/g, 'x');
      const res = await v.internal(path, { as: 'key-rotation', method: operation.http.method.toUpperCase(), ...(operation.http.method === 'get' || operation.http.method === 'delete' ? {} : { body: {} }) });
      expect(res.status, `${operation.name}: ${res.status} ${res.text}`).toBe(403);
    }
  });
});
