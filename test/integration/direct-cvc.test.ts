import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintDevAssertion } from '../../services/vault/src/dev/dev-assertion.ts';
import { DEFAULT_SERVICE_SCOPES } from '../../services/vault/src/identity/scopes.ts';
import { redisKey } from '../../services/vault/src/storage/redis-keys.ts';
import { call, vaultClient } from '../support/grpc-client.ts';
import { INVOICE, registerExampleProcessors } from '../support/payments.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';
import type { AssertionClaims } from '../../services/vault/src/dev/dev-assertion.ts';

/**
 * The direct issue (`POST /v1/payment-tokens {cvc}`, gRPC IssuePaymentToken) over the real listeners: closed by
 * default, open to the services named in VAULT_DIRECT_CVC_CALLERS only (issue 23, part 6).
 */
let closed: TestVault;
let named: TestVault;
beforeAll(async () => {
  [closed, named] = await Promise.all([
    // '' is unset: the default, no caller may send a code.
    startTestVault({ env: { VAULT_DIRECT_CVC_CALLERS: '' } }),
    // payment-flow is allowed; key-rotation holds the issue scope too, but is not named. One issue per card and
    // per user, so a refusal that spent a limit would show as a 429 on the allowed issue.
    startTestVault({
      env: {
        VAULT_DIRECT_CVC_CALLERS: 'payment-flow',
        VAULT_SERVICE_SCOPES: JSON.stringify({ ...DEFAULT_SERVICE_SCOPES, 'key-rotation': ['payment-tokens:issue'] }),
        VAULT_RATE_LIMIT_CARD: '1/600',
        VAULT_RATE_LIMIT_USER: '1/600',
      },
    }),
  ]);
  await Promise.all([registerExampleProcessors(closed), registerExampleProcessors(named)]);
});
afterAll(async () => {
  await Promise.all([closed?.close(), named?.close()]);
});

async function userWithCard(v: TestVault) {
  const user = newUser();
  const added = await v.addCard(user, visa({ number: '4000000000000077' }));
  expect(added.status).toBe(201);
  return { user, cardId: added.json.id as string };
}

const body = (cardId: string) => ({ cardId, cvc: '123', processorId: 'xero-payments', invoice: INVOICE });

const auditOf = async (v: TestVault, requestId: string) =>
  (await v.database.pool.query(`SELECT action, outcome, target, body, actor_service FROM audit_events WHERE request_id = $1 ORDER BY id`, [requestId])).rows.map(
    ({ body: b, ...r }) => ({ ...r, reason: JSON.parse(b).reason ?? null }),
  );

const denied = (service: string) => [{ action: 'payment_token.issue', outcome: 'denied', target: null, reason: 'direct_cvc_not_allowed', actor_service: service }];

/** Whether a per-card or per-user issue counter exists for this user and card. */
const countersOf = async (v: TestVault, user: AssertionClaims, cardId: string) =>
  (await Promise.all([v.redis.exists(redisKey('rate:card', user.tid, cardId)), v.redis.exists(redisKey('rate:user', user.tid, user.sub))])).reduce((a, b) => a + b, 0);

function grpcIssue(v: TestVault, service: string, user: AssertionClaims, cardId: string, requestId: string) {
  return (async () => {
    const client = vaultClient(v.grpcTarget, service);
    try {
      return await call<{ token: string }>(client, 'IssuePaymentToken', body(cardId), { authorization: `Bearer ${await mintDevAssertion({ ...user, azp: service })}`, 'x-request-id': requestId });
    } finally {
      client.close();
    }
  })();
}

describe('the direct issue, by default', () => {
  it('HTTP: 403 direct_cvc_not_allowed as problem+json, audited as a refusal, no card read and no limit spent', async () => {
    const { user, cardId } = await userWithCard(closed);
    const requestId = randomUUID();
    const res = await closed.internal('/v1/payment-tokens', { as: 'payment-flow', user, body: body(cardId), headers: { 'x-request-id': requestId } });
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json).toMatchObject({ code: 'direct_cvc_not_allowed', status: 403 });
    expect(res.text).not.toContain(cardId);
    expect(await auditOf(closed, requestId)).toEqual(denied('payment-flow'));
    expect(await countersOf(closed, user, cardId)).toBe(0);
    // A card that does not exist answers the same: the refusal says nothing about the card.
    const unknown = await closed.internal('/v1/payment-tokens', { as: 'payment-flow', user, body: body('card_AAAAAAAAAAAAAAAAAAAAAA') });
    expect([unknown.status, unknown.json.code]).toEqual([403, 'direct_cvc_not_allowed']);
  });

  it('gRPC: PERMISSION_DENIED with vault-error-code direct_cvc_not_allowed, audited, no limit spent', async () => {
    const { user, cardId } = await userWithCard(closed);
    const requestId = randomUUID();
    const res = await grpcIssue(closed, 'payment-flow', user, cardId, requestId);
    expect([res.error?.code, res.vaultCode]).toEqual([grpc.status.PERMISSION_DENIED, 'direct_cvc_not_allowed']);
    expect(await auditOf(closed, requestId)).toEqual(denied('payment-flow'));
    expect(await countersOf(closed, user, cardId)).toBe(0);
  });
});

describe('the direct issue, with VAULT_DIRECT_CVC_CALLERS=payment-flow', () => {
  it('a caller not named is refused over HTTP and gRPC though it holds the scope; the named one then issues as before (the refusals spent no limit)', async () => {
    const { user, cardId } = await userWithCard(named);
    const httpId = randomUUID();
    const http = await named.internal('/v1/payment-tokens', { as: 'key-rotation', user, body: body(cardId), headers: { 'x-request-id': httpId } });
    expect([http.status, http.json.code]).toEqual([403, 'direct_cvc_not_allowed']);
    expect(await auditOf(named, httpId)).toEqual(denied('key-rotation'));
    const grpcId = randomUUID();
    const overGrpc = await grpcIssue(named, 'key-rotation', user, cardId, grpcId);
    expect([overGrpc.error?.code, overGrpc.vaultCode]).toEqual([grpc.status.PERMISSION_DENIED, 'direct_cvc_not_allowed']);
    expect(await auditOf(named, grpcId)).toEqual(denied('key-rotation'));

    // One issue per card and per user is allowed: the refusals above took none of it.
    const issued = await named.internal('/v1/payment-tokens', { as: 'payment-flow', user, body: body(cardId) });
    expect(issued.status, issued.text).toBe(201);
    expect(issued.json).toMatchObject({ token: expect.stringMatching(/^pt_/), processorId: 'xero-payments' });
    const again = await named.internal('/v1/payment-tokens', { as: 'payment-flow', user, body: body(cardId) });
    expect([again.status, again.json.code]).toEqual([429, 'rate_limited']);
  });

  it('the named caller issues over gRPC too', async () => {
    const { user, cardId } = await userWithCard(named);
    const res = await grpcIssue(named, 'payment-flow', user, cardId, randomUUID());
    expect(res.error).toBeNull();
    expect(res.value?.token).toMatch(/^pt_/);
  });
});
