import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { importJWK, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import { mintDevAssertion } from '../../services/vault/src/dev/dev-assertion.ts';
import { request } from '../support/https-client.ts';
import { rogueClientCert } from '../support/rogue-ca.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

let v: TestVault;
beforeAll(async () => {
  v = await startTestVault();
});
afterAll(async () => {
  await v.close();
});

async function auditOf(requestId: string) {
  const { rows } = await v.database.pool.query('SELECT action, outcome, actor_service, user_id, tenant_id, target, body FROM audit_events WHERE request_id = $1', [requestId]);
  return rows.map((r) => ({ ...r, reason: JSON.parse(r.body).reason }));
}

describe("another user's card or profile answers 404 and is audited", () => {
  const sameTenant = `t-access-${Date.now()}`;
  const owner = newUser(sameTenant);
  const cases = [
    ['same tenant', newUser(sameTenant)],
    ['another tenant', newUser()],
  ] as const;
  let cardId: string;
  let profileId: string;
  beforeAll(async () => {
    cardId = (await v.addCard(owner, visa())).json.id;
    profileId = (await v.internal('/v1/billing-profiles', { user: owner, body: { name: 'O', line1: 'l', city: 'c', postalCode: 'p', country: 'FR' } })).json.id;
  });

  for (const [label, intruder] of cases) {
    for (const [method, body] of [['GET', undefined], ['PATCH', { cardholderName: 'Mallory' }], ['DELETE', undefined]] as const) {
      it(`${method} a card of a user in ${label}`, async () => {
        const requestId = randomUUID();
        const res = await v.internal(`/v1/cards/${cardId}`, { method, user: intruder, body, headers: { 'x-request-id': requestId } });
        expect(res.status).toBe(404);
        expect(res.json.code).toBe('card_not_found');
        expect(await auditOf(requestId)).toEqual([
          expect.objectContaining({ outcome: 'denied', target: cardId, user_id: intruder.sub, tenant_id: intruder.tid, reason: 'card_not_found' }),
        ]);
      });
      it(`${method} a billing profile of a user in ${label}`, async () => {
        const requestId = randomUUID();
        const res = await v.internal(`/v1/billing-profiles/${profileId}`, { method, user: intruder, body: body && { city: 'x' }, headers: { 'x-request-id': requestId } });
        expect(res.status).toBe(404);
        expect(res.json.code).toBe('billing_profile_not_found');
        expect(await auditOf(requestId)).toEqual([expect.objectContaining({ outcome: 'denied', target: profileId, reason: 'billing_profile_not_found' })]);
      });
    }
  }

  it('leaves the owner’s card untouched', async () => {
    const res = await v.internal(`/v1/cards/${cardId}`, { user: owner });
    expect(res.status).toBe(200);
    expect(res.json.cardholderName).toBe('Ada Lovelace');
  });

  it('does not list another user’s cards', async () => {
    const res = await v.internal('/v1/cards', { user: newUser(sameTenant) });
    expect(res.json.data).toEqual([]);
  });

  it('does not record a malformed id (it could be a PAN) in the audit log', async () => {
    const requestId = randomUUID();
    const res = await v.internal('/v1/cards/4242424242424242', { user: owner, headers: { 'x-request-id': requestId } });
    expect(res.status).toBe(404);
    const [event] = await auditOf(requestId);
    expect(event.target).toBeNull();
    expect(event.body).not.toContain('4242424242');
  });
});

describe('a service outside its scopes gets 403', () => {
  const user = newUser();
  const cases: Array<[string, string, string, unknown?]> = [
    ['payment-flow', 'PATCH', '/v1/cards/card_AAAAAAAAAAAAAAAAAAAAAA', { cardholderName: 'x' }],
    ['payment-flow', 'DELETE', '/v1/cards/card_AAAAAAAAAAAAAAAAAAAAAA'],
    ['payment-flow', 'POST', '/v1/billing-profiles', { name: 'x' }],
    ['admin', 'GET', '/v1/cards'],
    ['processor-xero-payments', 'GET', '/v1/cards'],
    ['key-rotation', 'POST', '/v1/card-sessions', {}],
  ];
  for (const [service, method, path, body] of cases) {
    it(`${service} ${method} ${path}`, async () => {
      const requestId = randomUUID();
      const res = await v.internal(path, { as: service, method, user, body, headers: { 'x-request-id': requestId } });
      expect(res.status).toBe(403);
      expect(res.json.code).toBe('forbidden');
      const events = await auditOf(requestId);
      expect(events).toEqual([expect.objectContaining({ action: 'request.denied', outcome: 'denied', reason: 'forbidden' })]);
      expect(events[0].actor_service).toBe(service.replace('processor-', 'processor/'));
    });
  }
});

describe('the internal listener requires a client certificate from the internal CA', () => {
  it('fails the handshake without a client certificate', async () => {
    await expect(request(v.internalUrl, '/v1/cards', { identity: null })).rejects.toMatchObject({ code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
  });
  it('fails the handshake with a certificate from another CA', async () => {
    const before = v.logs.length;
    await expect(request(v.internalUrl, '/v1/cards', { identity: rogueClientCert('account-settings') })).rejects.toMatchObject({
      code: expect.stringMatching(/^(ECONNRESET|ERR_SSL_)/),
    });
    // No request ever reached the app.
    expect(v.logs.slice(before).filter((l) => l.includes('"msg":"request"'))).toEqual([]);
  });
});

describe('a bad user assertion gets 401', () => {
  const user = newUser();
  const issuerJwk = JSON.parse(readFileSync(keysExample('identity', 'issuer-private.jwk.json'), 'utf8')) as JWK;
  const now = () => Math.floor(Date.now() / 1000);
  const sign = async (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new SignJWT({ tid: user.tid, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: issuerJwk.kid, ...header })
      .setSubject(user.sub)
      .setIssuer('https://identity.example.test')
      .setAudience('payment-vault')
      .sign(await importJWK(issuerJwk, 'ES256'));
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

  const cases: Array<[string, () => Promise<string | undefined>]> = [
    ['missing', async () => undefined],
    ['not a JWS', async () => 'Bearer not-a-token'],
    ['alg none', async () => `Bearer ${b64({ alg: 'none' })}.${b64({ sub: user.sub, tid: user.tid, iss: 'https://identity.example.test', aud: 'payment-vault', iat: now(), exp: now() + 60 })}.`],
    ['tampered signature', async () => `Bearer ${(await mintDevAssertion(user)).slice(0, -4)}AAAA`],
    ['expired', async () => `Bearer ${await sign({ iat: now() - 400, exp: now() - 100 })}`],
    ['lifetime over 5 minutes', async () => `Bearer ${await sign({ iat: now(), exp: now() + 3600 })}`],
    ['no exp', async () => `Bearer ${await sign({ iat: now() })}`],
    ['wrong audience', async () => `Bearer ${await mintDevAssertion(user, { audience: 'another-service' })}`],
    ['wrong issuer', async () => `Bearer ${await mintDevAssertion(user, { issuer: 'https://evil.example' })}`],
    ['signed by another key', async () => {
      const { generateKeyPair } = await import('jose');
      const { privateKey } = await generateKeyPair('ES256');
      return `Bearer ${await new SignJWT({ tid: user.tid }).setProtectedHeader({ alg: 'ES256', kid: issuerJwk.kid }).setSubject(user.sub).setIssuer('https://identity.example.test').setAudience('payment-vault').setIssuedAt().setExpirationTime('60s').sign(privateKey)}`;
    }],
    ['HS256 with the public key as secret', async () => {
      const { x } = issuerJwk;
      return `Bearer ${await new SignJWT({ tid: user.tid }).setProtectedHeader({ alg: 'HS256' }).setSubject(user.sub).setIssuer('https://identity.example.test').setAudience('payment-vault').setIssuedAt().setExpirationTime('60s').sign(new TextEncoder().encode(x))}`;
    }],
    ['no tenant', async () => `Bearer ${await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: issuerJwk.kid }).setSubject(user.sub).setIssuer('https://identity.example.test').setAudience('payment-vault').setIssuedAt().setExpirationTime('60s').sign(await importJWK(issuerJwk, 'ES256'))}`],
  ];
  for (const [name, make] of cases) {
    it(name, async () => {
      const authorization = await make();
      const requestId = randomUUID();
      const res = await v.internal('/v1/cards', { headers: { ...(authorization ? { authorization } : {}), 'x-request-id': requestId } });
      expect(res.status).toBe(401);
      expect(res.json.code).toBe('unauthenticated');
      expect(await auditOf(requestId)).toEqual([expect.objectContaining({ action: 'request.denied', reason: 'unauthenticated', actor_service: 'account-settings' })]);
    });
  }
});
