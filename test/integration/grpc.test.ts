import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintDevAssertion } from '../../services/vault/src/dev/dev-assertion.ts';
import { call, clientCredentials, vaultClient } from '../support/grpc-client.ts';
import { rogueClientCert } from '../support/rogue-ca.ts';
import { INVOICE, openWithNodeJose, registerExampleProcessors } from '../support/payments.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

/**
 * `vault.v1.Vault` over gRPC: the same operations, admission, idempotency and audit as HTTP, on its own port
 * with the same mutual TLS.
 */
let v: TestVault;
beforeAll(async () => {
  v = await startTestVault();
  await registerExampleProcessors(v);
});
afterAll(async () => {
  await v.close();
});

const bearer = async (user: { sub: string; tid: string; gid?: string }, azp: string) => ({ authorization: `Bearer ${await mintDevAssertion({ ...user, azp })}` });
const auditOf = async (requestId: string) =>
  (await v.database.pool.query(`SELECT action, outcome, target, body, actor_service FROM audit_events WHERE request_id = $1 ORDER BY id`, [requestId])).rows.map(
    ({ body, ...r }) => ({ ...r, reason: JSON.parse(body).reason ?? null }),
  );

async function userWithCard() {
  const user = newUser();
  const added = await v.addCard(user, visa({ number: '4000000000000077' }));
  expect(added.status).toBe(201);
  return { user, cardId: added.json.id as string };
}

describe('gRPC', () => {
  it('issues a token for the payment flow and redeems it as the processor; the JWE opens with node-jose', async () => {
    const { user, cardId } = await userWithCard();
    const flow = vaultClient(v.grpcTarget, 'payment-flow');
    const requestId = crypto.randomUUID();
    const issued = await call<{ token: string; expiresAt: string; processorId: string }>(
      flow,
      'IssuePaymentToken',
      { cardId, cvc: '123', processorId: 'xero-payments', invoice: INVOICE },
      { ...(await bearer(user, 'payment-flow')), 'x-request-id': requestId },
    );
    expect(issued.error).toBeNull();
    expect(issued.header['x-request-id']).toBe(requestId);
    expect(issued.value).toMatchObject({ token: expect.stringMatching(/^pt_/), processorId: 'xero-payments' });

    const processor = vaultClient(v.grpcTarget, 'processor-xero-payments');
    const redeemed = await call<{ jwe: string; kid: string; invoice: typeof INVOICE }>(processor, 'RedeemPaymentToken', { token: issued.value!.token });
    expect(redeemed.error).toBeNull();
    expect(redeemed.value!.invoice).toEqual(INVOICE);
    const opened = await openWithNodeJose(redeemed.value!.jwe, 'xero-payments');
    expect(opened.payload).toMatchObject({ number: '4000000000000077', cvc: '123' });
    const again = await call(processor, 'RedeemPaymentToken', { token: issued.value!.token });
    expect([again.error?.code, again.vaultCode]).toEqual([grpc.status.NOT_FOUND, 'token_not_found']);
    expect((await auditOf(requestId)).map((e) => e.action)).toEqual(['card.decrypt', 'payment_token.issue']);
    flow.close();
    processor.close();
  });

  it('lists the cards masked, paged like HTTP', async () => {
    const { user, cardId } = await userWithCard();
    const client = vaultClient(v.grpcTarget, 'account-settings');
    const listed = await call<{ data: Array<Record<string, unknown>>; hasMore: boolean }>(client, 'ListCards', { limit: 10 }, await bearer(user, 'account-settings'));
    expect(listed.error).toBeNull();
    expect(listed.value!.data).toEqual([expect.objectContaining({ id: cardId, brand: 'visa', last4: '0077', bin: '400000' })]);
    expect(JSON.stringify(listed.value)).not.toContain('4000000000000077');
    const bad = await call(client, 'ListCards', { limit: 1000 }, await bearer(user, 'account-settings'));
    expect([bad.error?.code, bad.vaultCode]).toEqual([grpc.status.INVALID_ARGUMENT, 'invalid_request']);
    client.close();
  });

  it('refuses like HTTP: no assertion → UNAUTHENTICATED, a scope the service lacks → PERMISSION_DENIED, both audited', async () => {
    const { user, cardId } = await userWithCard();
    const settings = vaultClient(v.grpcTarget, 'account-settings');
    const requestId = crypto.randomUUID();
    const noUser = await call(settings, 'ListCards', {}, { 'x-request-id': requestId });
    expect([noUser.error?.code, noUser.vaultCode]).toEqual([grpc.status.UNAUTHENTICATED, 'unauthenticated']);
    expect(await auditOf(requestId)).toEqual([{ action: 'request.denied', outcome: 'denied', target: 'cards.list', reason: 'unauthenticated', actor_service: 'account-settings' }]);
    const forbiddenId = crypto.randomUUID();
    const forbidden = await call(settings, 'IssuePaymentToken', { cardId, cvc: '123', processorId: 'xero-payments', invoice: INVOICE }, { ...(await bearer(user, 'account-settings')), 'x-request-id': forbiddenId });
    expect([forbidden.error?.code, forbidden.vaultCode]).toEqual([grpc.status.PERMISSION_DENIED, 'forbidden']);
    expect(await auditOf(forbiddenId)).toEqual([expect.objectContaining({ action: 'request.denied', target: 'payment_tokens.issue', reason: 'forbidden' })]);
    settings.close();
  });

  it('bad input gets the same code as over HTTP, with field errors in the trailers', async () => {
    const { user, cardId } = await userWithCard();
    const flow = vaultClient(v.grpcTarget, 'payment-flow');
    const res = await call(flow, 'IssuePaymentToken', { cardId, cvc: '12', processorId: 'xero-payments', invoice: INVOICE }, await bearer(user, 'payment-flow'));
    expect([res.error?.code, res.vaultCode]).toEqual([grpc.status.INVALID_ARGUMENT, 'cvc_invalid']);
    expect(res.error!.details).not.toContain('12');
    const other = newUser();
    const notMine = await call(flow, 'IssuePaymentToken', { cardId, cvc: '123', processorId: 'xero-payments', invoice: INVOICE }, await bearer(other, 'payment-flow'));
    expect([notMine.error?.code, notMine.vaultCode]).toEqual([grpc.status.NOT_FOUND, 'card_not_found']);
    flow.close();
  });

  it('an idempotent issue: the same key and request → the same token, marked replayed', async () => {
    const { user, cardId } = await userWithCard();
    const flow = vaultClient(v.grpcTarget, 'payment-flow');
    const md = { ...(await bearer(user, 'payment-flow')), 'idempotency-key': `grpc-${crypto.randomUUID()}` };
    const body = { cardId, cvc: '123', processorId: 'xero-payments', invoice: INVOICE };
    const first = await call<{ token: string }>(flow, 'IssuePaymentToken', body, md);
    const second = await call<{ token: string }>(flow, 'IssuePaymentToken', body, md);
    expect(first.error).toBeNull();
    expect(second.value!.token).toBe(first.value!.token);
    expect(second.header['idempotent-replayed']).toBe('true');
    const changed = await call(flow, 'IssuePaymentToken', { ...body, invoice: { ...INVOICE, amount: 1 } }, md);
    expect([changed.error?.code, changed.vaultCode]).toEqual([grpc.status.ABORTED, 'idempotency_key_reused']);
    flow.close();
  });

  it('a request larger than 64 KiB is refused by the transport (RESOURCE_EXHAUSTED) before anything runs', async () => {
    const admin = vaultClient(v.grpcTarget, 'admin');
    const res = await call(admin, 'PutProcessor', { id: 'big', name: 'x'.repeat(70 * 1024), enabled: true, jwks: { keys: [] } });
    expect(res.error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    admin.close();
  });

  it('each call: one request log line (no input in it) and a metrics sample by method and status, as over HTTP', async () => {
    const { user } = await userWithCard();
    const client = vaultClient(v.grpcTarget, 'account-settings');
    const requestId = crypto.randomUUID();
    await call(client, 'ListCards', { limit: 5 }, { ...(await bearer(user, 'account-settings')), 'x-request-id': requestId });
    await call(client, 'GetCard', { id: 'card_does_not_exist' }, await bearer(user, 'account-settings'));
    const line = v.logs.map((l) => JSON.parse(l)).find((l) => l.requestId === requestId && l.msg === 'request');
    expect(line).toMatchObject({ listener: 'grpc', caller: 'account-settings', method: 'ListCards', status: 'OK' });
    // Only these members: never the request's fields or metadata.
    for (const key of Object.keys(line)) expect(['level', 'time', 'pid', 'hostname', 'service', 'msg', 'requestId', 'listener', 'caller', 'method', 'status', 'ms']).toContain(key);
    const metrics = await v.vault.metrics.registry.metrics();
    expect(metrics).toMatch(/vault_grpc_requests_total\{method="ListCards",status="OK"\} [1-9]/);
    expect(metrics).toMatch(/vault_grpc_requests_total\{method="GetCard",status="NOT_FOUND"\} [1-9]/);
    client.close();
  });

  it('a deadline already past: DEADLINE_EXCEEDED and nothing written', async () => {
    const { user, cardId } = await userWithCard();
    const flow = vaultClient(v.grpcTarget, 'payment-flow');
    const requestId = crypto.randomUUID();
    const res = await call(flow, 'IssuePaymentToken', { cardId, cvc: '123', processorId: 'xero-payments', invoice: INVOICE }, { ...(await bearer(user, 'payment-flow')), 'x-request-id': requestId }, { deadline: Date.now() - 1 });
    expect(res.error?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    await new Promise((r) => setTimeout(r, 200));
    expect(await auditOf(requestId)).toEqual([]);
    flow.close();
  });

  it('without a client certificate, or with one from another CA naming a real service, the connection fails', async () => {
    for (const identity of [null, rogueClientCert('admin')]) {
      const client = vaultClient(v.grpcTarget, identity);
      const res = await call(client, 'ListProcessors', {}, {}, { deadline: Date.now() + 5_000 });
      expect(res.error?.code).toBe(grpc.status.UNAVAILABLE);
      client.close();
    }
  });

  it('standard health checking: vault.v1.Vault is SERVING once readiness is', async () => {
    const creds = clientCredentials('payment-flow');
    const Health = grpc.makeGenericClientConstructor(healthService, 'Health');
    const health = new Health(v.grpcTarget, creds) as unknown as { check(req: object, cb: (e: Error | null, r: { status: string }) => void): void; close(): void };
    const check = () => new Promise<string>((resolve, reject) => health.check({ service: 'vault.v1.Vault' }, (e, r) => (e ? reject(e) : resolve(r.status))));
    // The serving status follows readiness, re-read every second.
    await expect.poll(check, { timeout: 5_000, interval: 200 }).toBe('SERVING');
    health.close();
  });
});

describe('gRPC listener hygiene (the HTTPS listeners’ limits)', () => {
  it('closes sockets that never start TLS, and drops connections past VAULT_MAX_CONNECTIONS', async () => {
    const small = await startTestVault({ env: { VAULT_TLS_HANDSHAKE_TIMEOUT_MS: '300', VAULT_IDLE_SOCKET_TIMEOUT_MS: '1000', VAULT_MAX_CONNECTIONS: '5' } });
    const port = Number(small.grpcTarget.split(':').pop());
    const sockets = await Promise.all(
      Array.from({ length: 8 }, () => new Promise<net.Socket>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => resolve(s));
        s.on('error', () => {});
      })),
    );
    try {
      // Past the cap the server drops new connections at once; the others go when their handshake times out.
      await expect.poll(() => sockets.filter((s) => !s.destroyed && !s.readableEnded).length, { timeout: 5_000, interval: 100 }).toBe(0);
      const client = vaultClient(small.grpcTarget, 'admin');
      expect((await call(client, 'ListProcessors', {}, {}, { deadline: Date.now() + 5_000 })).error).toBeNull();
      client.close();
    } finally {
      sockets.forEach((s) => s.destroy());
      await small.close();
    }
  });

  it('keeps a busy connection past VAULT_IDLE_SOCKET_TIMEOUT_MS: only an idle one is closed', async () => {
    const small = await startTestVault({ env: { VAULT_IDLE_SOCKET_TIMEOUT_MS: '700' } });
    const client = vaultClient(small.grpcTarget, 'admin');
    try {
      // Four calls always in flight for 2.5 s on one channel: busy the whole time, never idle for 700 ms.
      const failures: string[] = [];
      const until = Date.now() + 2_500;
      let calls = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (Date.now() < until) {
            const { error } = await call(client, 'ListProcessors', {}, {}, { deadline: Date.now() + 5_000 });
            calls++;
            if (error) failures.push(`${grpc.status[error.code]} ${error.details}`);
          }
        }),
      );
      expect(calls).toBeGreaterThan(20);
      expect(failures).toEqual([]);
      expect(client.getChannel().getConnectivityState(false)).toBe(grpc.connectivityState.READY);
      // Idle past the timeout, the connection is closed (the channel reconnects for the next call).
      await expect.poll(() => client.getChannel().getConnectivityState(false), { timeout: 5_000, interval: 100 }).not.toBe(grpc.connectivityState.READY);
      expect((await call(client, 'ListProcessors', {}, {}, { deadline: Date.now() + 5_000 })).error).toBeNull();
    } finally {
      client.close();
      await small.close();
    }
  });
});

