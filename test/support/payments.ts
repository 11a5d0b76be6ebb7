import { readFileSync } from 'node:fs';
import { compactDecrypt, importJWK, type JWK } from 'jose';
import nodeJose from 'node-jose';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import type { AssertionClaims } from '../../services/vault/src/dev/dev-assertion.ts';
import type { TestVault } from './test-vault.ts';

export const PROCESSORS = ['xero-payments', 'freshbooks-payments'] as const;
export type ExampleProcessor = (typeof PROCESSORS)[number];

export function publicJwks(id: ExampleProcessor): { keys: JWK[] } {
  return JSON.parse(readFileSync(keysExample('processors', `${id}-public.jwks.json`), 'utf8'));
}

export function privateJwk(id: ExampleProcessor): JWK {
  return JSON.parse(readFileSync(keysExample('processors', `${id}-private.jwk.json`), 'utf8'));
}

/** Registers (or re-registers, enabled) the example processors with their keys-example public keys. */
export async function registerExampleProcessors(v: TestVault): Promise<void> {
  for (const id of PROCESSORS) {
    const res = await v.internal(`/v1/processors/${id}`, { as: 'admin', method: 'PUT', body: { name: id, enabled: true, jwks: publicJwks(id) } });
    if (res.status !== 200) throw new Error(`register ${id}: ${res.status} ${res.text}`);
  }
}

export const PARTNERS = ['xero', 'freshbooks'] as const;
export type ExamplePartner = (typeof PARTNERS)[number];

/** An example invoice partner's public signature keys (keys-example/partners/). */
export function partnerJwks(id: ExamplePartner): { keys: JWK[] } {
  return JSON.parse(readFileSync(keysExample('partners', `${id}-public.jwks.json`), 'utf8'));
}

/** An example invoice partner's private signature key (keys-example/partners/). */
export function partnerPrivateJwk(id: ExamplePartner): JWK {
  return JSON.parse(readFileSync(keysExample('partners', `${id}-private.jwk.json`), 'utf8'));
}

/** Registers (or re-registers, enabled) the example invoice partners with their keys-example public keys. */
export async function registerExamplePartners(v: TestVault): Promise<void> {
  for (const id of PARTNERS) {
    const res = await v.internal(`/v1/partners/${id}`, { as: 'admin', method: 'PUT', body: { name: id, enabled: true, jwks: partnerJwks(id) } });
    if (res.status !== 200) throw new Error(`register partner ${id}: ${res.status} ${res.text}`);
  }
}

export const INVOICE = { id: 'INV-0001', amount: 12_345, currency: 'EUR', merchantId: 'merchant-42', partner: 'xero' };

export function issueToken(v: TestVault, user: AssertionClaims, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return v.internal('/v1/payment-tokens', { as: 'payment-flow', user, body: { processorId: 'xero-payments', invoice: INVOICE, ...body }, headers });
}

export function redeem(v: TestVault, processor: ExampleProcessor, token: string) {
  return v.internal('/v1/payment-tokens/redeem', { as: `processor-${processor}`, body: { token } });
}

/** Opens a JWE with `jose`, as the vault's own tests would. */
export async function openWithJose(jwe: string, id: ExampleProcessor) {
  const jwk = privateJwk(id);
  const { plaintext, protectedHeader } = await compactDecrypt(jwe, await importJWK(jwk, jwk.alg as string));
  return { header: protectedHeader, payload: JSON.parse(new TextDecoder().decode(plaintext)) };
}

/** Opens a JWE with `node-jose`, as partners do. */
export async function openWithNodeJose(jwe: string, id: ExampleProcessor) {
  const keystore = await nodeJose.JWK.asKeyStore({ keys: [privateJwk(id)] });
  const result = await nodeJose.JWE.createDecrypt(keystore).decrypt(jwe);
  return { header: result.header as Record<string, unknown>, payload: JSON.parse(result.plaintext.toString('utf8')) };
}
