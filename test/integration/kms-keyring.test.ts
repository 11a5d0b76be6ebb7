import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kmsEnv, setEnv, startKmsEndpoint, testKeyArn, type KmsEndpoint } from '../support/kms-endpoint.ts';
import { grpcTransport, httpTransport, type Transport } from '../support/transports.ts';
import { INVOICE, issueToken, redeem, registerExamplePartners, registerExampleProcessors } from '../support/payments.ts';
import { exampleInvoice } from '../support/tampered-invoices.ts';
import { FUTURE_YEAR, newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

// The production keyring (VAULT_KEYRING=kms) against a loopback endpoint speaking the KMS JSON protocol: the
// vault's code path is unchanged, only AWS_ENDPOINT_URL_KMS differs.
let kms: KmsEndpoint;
let v: TestVault;
let restoreEnv: () => void;
let transports: Transport[];
const ARN = testKeyArn('1234abcd-12ab-34cd-56ef-1234567890ab');
const KMS_VAULT_ENV = { VAULT_KEYRING: 'kms', VAULT_KMS_KEY_ARNS: `v1=${ARN}`, VAULT_KEY_CURRENT: 'v1' };

beforeAll(async () => {
  kms = await startKmsEndpoint();
  // The SDK's KMS client reads region, credentials and endpoint from the process environment.
  restoreEnv = setEnv(kmsEnv(kms));
  v = await startTestVault({ env: KMS_VAULT_ENV });
  await registerExampleProcessors(v);
  transports = [httpTransport(v), grpcTransport(v)];
});
afterEach(async () => {
  await kms.heal();
});
afterAll(async () => {
  for (const t of transports ?? []) t.close();
  await v?.close();
  await kms?.close();
  restoreEnv?.();
});

describe('the KMS keyring', () => {
  it('stores, lists, issues and redeems through KMS', async () => {
    const user = newUser();
    const added = await v.addCard(user, visa());
    expect(added.status, added.text).toBe(201);
    expect(kms.calls.GenerateDataKey).toBeGreaterThan(0);

    const list = await v.internal('/v1/cards', { user });
    expect(list.status, list.text).toBe(200);
    expect(list.json.data.map((c: { id: string }) => c.id)).toEqual([added.json.id]);

    const issued = await issueToken(v, user, { cardId: added.json.id, cvc: '123' });
    expect(issued.status, issued.text).toBe(201);
    expect(kms.calls.Decrypt).toBeGreaterThan(0);
    const redeemed = await redeem(v, 'xero-payments', issued.json.token);
    expect(redeemed.status, redeemed.text).toBe(200);

    const { rows } = await v.database.pool.query(`SELECT key_version FROM cards WHERE tenant_id = $1`, [user.tid]);
    expect(rows.map((r) => r.key_version)).toEqual(['v1']);
  });
});

async function auditOf(requestId: string) {
  const { rows } = await v.database.pool.query(`SELECT action, outcome, body FROM audit_events WHERE request_id = $1 ORDER BY id`, [requestId]);
  return rows.map((r) => [r.action, r.outcome, JSON.parse(r.body).reason]);
}

async function storedCard() {
  const user = newUser();
  const added = await v.addCard(user, visa());
  if (added.status !== 201) throw new Error(added.text);
  return { user, card: added.json };
}

/** The vault's promise for a failing dependency, README "Fail closed": 503 within 2 s at the client. */
const BOUND_MS = 2_000;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('a KMS outage is a dependency outage: 503 fast, never 500, never tampering', () => {
  const outages = [
    ['throttled', () => kms.throttle()],
    ['refusing connections', () => kms.refuse()],
    ['hanging (accepts, never answers)', () => kms.hang()],
    ['answering after 5 s', () => kms.slow(5_000)],
    ['answering 500 KMSInternalException', () => kms.internalError()],
  ] as const;
  for (const [what, fail] of outages) {
    it(`${what}: card add and token issue (HTTP and gRPC) answer 503 with Retry-After within 2 s, no decryption_failed audit, readiness false; all recover without a restart`, async () => {
      const { user, card } = await storedCard();
      await fail();

      const add = await timed(() => v.addCard(user, visa({ number: '5555555555554444' })));
      expect(add.value.status, add.value.text).toBe(503);
      expect(add.value.json.code).toBe('service_unavailable');
      expect(add.value.headers['retry-after']).toBe('1');
      expect(add.ms).toBeLessThan(BOUND_MS);

      for (const t of transports) {
        const requestId = randomUUID();
        const issued = await timed(() => t.issueToken({ user, requestId }, { cardId: card.id, cvc: '123', processorId: 'xero-payments', invoice: INVOICE }));
        expect(issued.value.code, `${t.name}: ${issued.value.status}`).toBe('service_unavailable');
        expect(issued.value.retryAfter, t.name).toBe(1);
        expect(issued.ms, t.name).toBeLessThan(BOUND_MS);
        expect((await auditOf(requestId)).filter(([, , reason]) => reason === 'decryption_failed')).toEqual([]);
      }
      const report = await v.vault.ready();
      expect(report.ready).toBe(false);
      expect(report.checks.keyring).toBe('failing');
      // Logged as a dependency failure, with the KMS error's type as its cause.
      expect(v.logs.some((line) => line.includes('"dependency":"keyring"') && line.includes('"msg":"request failed"'))).toBe(true);

      await kms.heal();
      expect((await v.vault.ready()).ready).toBe(true);
      expect((await issueToken(v, user, { cardId: card.id, cvc: '123' })).status).toBe(201);
      expect((await v.addCard(user, visa({ number: '5555555555554444' }))).status).toBe(201);
    });
  }

  it('a single throttled answer is retried: the request succeeds', async () => {
    const { user, card } = await storedCard();
    kms.throttle(1);
    const from = kms.requests.length;
    expect((await issueToken(v, user, { cardId: card.id, cvc: '123' })).status).toBe(201);
    // The throttled Decrypt and its retry (more only if an attempt timed out on a loaded machine).
    const decrypts = kms.requests.slice(from).filter((r) => r.operation === 'Decrypt' && r.context['purpose'] !== 'readiness-probe');
    expect(decrypts.length).toBeGreaterThanOrEqual(2);
  });

  it('a slow KMS within the attempt deadline (100 ms) is no outage', async () => {
    const user = newUser();
    kms.slow(100);
    const added = await v.addCard(user, visa());
    expect(added.status, added.text).toBe(201);
    expect((await issueToken(v, user, { cardId: added.json.id, cvc: '123' })).status).toBe(201);
  });

});

describe('an answer of KMS that the blob or its context is wrong stays tampering', () => {
  it('a card moved into another row (wrong encryption context) still fails as tampering', async () => {
    const { user, card } = await storedCard();
    const other = (await v.addCard(user, visa({ number: '5555555555554444' }))).json;
    await v.database.pool.query('UPDATE cards SET ciphertext = (SELECT ciphertext FROM cards WHERE id = $1) WHERE id = $2', [card.id, other.id]);
    const requestId = randomUUID();
    const issued = await issueToken(v, user, { cardId: other.id, cvc: '123' }, { 'x-request-id': requestId });
    expect(issued.status).toBe(500);
    expect(await auditOf(requestId)).toContainEqual(['card.decrypt', 'failed', 'decryption_failed']);
  });

  it('a blob KMS does not authenticate (another key) still fails as tampering', async () => {
    const { user, card } = await storedCard();
    kms.rekey();
    const requestId = randomUUID();
    const issued = await issueToken(v, user, { cardId: card.id, cvc: '123' }, { 'x-request-id': requestId });
    expect(issued.status).toBe(500);
    expect(await auditOf(requestId)).toContainEqual(['card.decrypt', 'failed', 'decryption_failed']);
  });
});

describe('KMS calls per operation (the figures infra/CAPACITY.md states)', () => {
  it('counts each operation\'s GenerateDataKey and Decrypt calls', async () => {
    // A vault of its own with roomy KMS deadlines: on a loaded machine a 400 ms attempt can time out and be retried,
    // which is one more KMS request (what the quota counts) but not what an operation costs when KMS is healthy.
    const v = await startTestVault({ env: { ...KMS_VAULT_ENV, VAULT_KMS_ATTEMPT_TIMEOUT_MS: '10000', VAULT_KMS_CALL_TIMEOUT_MS: '30000' } });
    try {
      await registerExampleProcessors(v);
      await registerExamplePartners(v);
      // Requests of the operation under test only: the gRPC health service checks readiness every second, and a
      // readiness check that is due (after an outage test) seals and opens a probe of its own.
      const counted = async (work: () => Promise<{ status: number; text: string }>, status: number) => {
        const from = kms.requests.length;
        const res = await work();
        expect(res.status, res.text).toBe(status);
        const made = kms.requests.slice(from).filter((r) => r.context['purpose'] !== 'readiness-probe');
        const count = (op: string) => made.filter((r) => r.operation === op).length;
        expect(count('Encrypt')).toBe(0); // the keyring wraps with GenerateDataKey only
        return [count('GenerateDataKey'), count('Decrypt')];
      };
      const user = newUser();
      let card: { id: string } = { id: '' };
      let profile: { id: string } = { id: '' };
      let token = '';
      let sessionSecret = '';
      let sessionId = '';
      const counts: Record<string, unknown> = {
        'card add (hosted form)': await counted(async () => {
          const r = await v.addCard(user, visa());
          card = r.json;
          return r;
        }, 201),
        'card list': await counted(() => v.internal('/v1/cards', { user }), 200),
        'card read': await counted(() => v.internal(`/v1/cards/${card.id}`, { user }), 200),
        'card update (expiry)': await counted(() => v.internal(`/v1/cards/${card.id}`, { method: 'PATCH', user, body: { expMonth: 6, expYear: FUTURE_YEAR + 1 } }), 200),
        'billing profile add': await counted(async () => {
          const r = await v.internal('/v1/billing-profiles', { user, body: { name: 'Grace Hopper', line1: '1 Navy Way', city: 'Arlington', postalCode: '22202', country: 'US' } });
          profile = r.json;
          return r;
        }, 201),
        'billing profile read': await counted(() => v.internal(`/v1/billing-profiles/${profile.id}`, { user }), 200),
        'token issue (direct)': await counted(async () => {
          const r = await issueToken(v, user, { cardId: card.id, cvc: '123' });
          token = r.json.token;
          return r;
        }, 201),
        'token redeem': await counted(() => redeem(v, 'xero-payments', token), 200),
        'payment session open': await counted(async () => {
          const r = await v.internal('/v1/payment-sessions', { as: 'payment-flow', user, body: { processorId: 'xero-payments', cardId: card.id, invoice: await exampleInvoice() } });
          sessionSecret = r.json.clientSecret;
          sessionId = r.json.id;
          return r;
        }, 201),
        'pay form confirm': await counted(() => v.public('/v1/payment-sessions/current/confirm', { body: { cvc: '123' }, headers: { authorization: `PaymentSession ${sessionSecret}` } }), 200),
        'payment session read (confirmed: its token)': await counted(() => v.internal(`/v1/payment-sessions/${sessionId}`, { as: 'payment-flow', user }), 200),
        'card delete': await counted(() => v.internal(`/v1/cards/${card.id}`, { method: 'DELETE', user }), 204),
      };
      // [GenerateDataKey, Decrypt]: an encrypt is one GenerateDataKey, a decrypt one Decrypt (no data-key cache).
      expect(counts).toEqual({
        'card add (hosted form)': [1, 0],
        'card list': [0, 0],
        'card read': [0, 0],
        'card update (expiry)': [0, 0],
        'billing profile add': [1, 0],
        'billing profile read': [0, 1],
        'token issue (direct)': [0, 1],
        'token redeem': [0, 0],
        'payment session open': [0, 0],
        'pay form confirm': [1, 1],
        'payment session read (confirmed: its token)': [0, 1],
        'card delete': [0, 0],
      });
    } finally {
      await v.close();
    }
  });
});

describe('nothing secret in the logs', () => {
  it('no data key, blob or master key of KMS, no credential and no card number in any line these tests logged', () => {
    expect(kms.secrets.length).toBeGreaterThan(10);
    const text = v.logs.join('\n');
    for (const secret of kms.secrets) expect(text.includes(secret)).toBe(false);
    expect(text).not.toContain(kmsEnv(kms).AWS_SECRET_ACCESS_KEY);
    expect(text).not.toContain('4242424242424242');
    expect(text).not.toContain('5555555555554444');
  });
});
