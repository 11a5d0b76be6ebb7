import type { Request, Response } from 'express';
import { ClientError } from '../errors/vault-error.ts';
import { openApiDocument } from '../operations/openapi.ts';
import type { OperationDefinition } from '../operations/operation.ts';
import { state } from './request-context.ts';

/**
 * `GET /v1/openapi.json` on the internal listener: the API as OpenAPI 3.1, built once from the operation table.
 * Any service the vault identifies by its client certificate may read it; it holds no data, only the contract.
 */
export function openApiRoute(operations: readonly OperationDefinition<never>[]) {
  const body = JSON.stringify(openApiDocument(operations, { title: 'Payment-method vault internal API', version: 'v1' }));
  return (_req: Request, res: Response): void => {
    const s = state(res);
    s.route = '/v1/openapi.json';
    if (!s.service) throw new ClientError('unauthenticated');
    res.type('application/json; charset=utf-8').send(body);
  };
}
