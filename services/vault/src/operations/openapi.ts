import { z, type ZodType } from 'zod';
import { pathParameters, type OperationDefinition } from './operation.ts';

/** A zod schema as JSON Schema 2020-12 — OpenAPI 3.1's own dialect — describing what a caller sends. */
function jsonSchema(schema: ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return rest;
}

const PROBLEM = {
  description: 'An error (RFC 9457 problem details): a stable machine-readable `code`, the request id, and for bad input the fields at fault.',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

/**
 * The internal API as an OpenAPI 3.1 document, built from the operation table: each operation's path, method,
 * parameters, input schema (from the same zod schema the service parses with), success status, the scope it
 * needs (`x-vault-scope`), its gRPC method (`x-grpc-method`), and whether it acts for a user (a bearer user
 * assertion besides the client certificate).
 */
export function openApiDocument(operations: readonly OperationDefinition<never>[], info: { readonly title: string; readonly version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    const { method, path, status, input = 'body' } = operation.http;
    const openPath = path.replace(/:([A-Za-z][A-Za-z0-9]*)/g, '{$1}');
    const parameters: unknown[] = pathParameters(path).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
    if (operation.idempotency !== 'never') {
      parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, description: 'A repeat with the same key and body gets the first outcome again.', schema: { type: 'string' } });
    }
    let requestBody: unknown;
    if (operation.schema && input === 'query') {
      const schema = jsonSchema(operation.schema) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, property] of Object.entries(schema.properties ?? {})) parameters.push({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: property });
    } else if (operation.schema) {
      requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(operation.schema) } } };
    }
    (paths[openPath] ??= {})[method] = {
      operationId: operation.name,
      summary: operation.summary,
      'x-vault-scope': operation.scope,
      'x-grpc-method': `vault.v1.Vault/${operation.grpc.method}`,
      security: [operation.user ? { mutualTLS: [], userAssertion: [] } : { mutualTLS: [] }],
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses: {
        [String(status)]: status === 204 ? { description: 'Done; no body.' } : { description: 'Success.', content: { 'application/json': { schema: { type: 'object' } } } },
        default: PROBLEM,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { ...info, description: 'The payment-method vault\'s internal API (mutual TLS; user operations also need an ES256 user assertion). Generated from the operation table.' },
    paths,
    components: {
      securitySchemes: {
        mutualTLS: { type: 'mutualTLS', description: 'A client certificate from the internal CA; its SPIFFE URI SAN names the calling service.' },
        userAssertion: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A short-lived ES256 user assertion from the identity provider.' },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'code', 'requestId'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            code: { type: 'string' },
            requestId: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', required: ['path', 'code'], properties: { path: { type: 'string' }, code: { type: 'string' } } } },
          },
        },
      },
    },
  };
}
