import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOICE, issueToken, publicJwks, registerExampleProcessors } from '../support/payments.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';
import { generateKeyPairSync } from 'node:crypto';

let v: TestVault;
let user: ReturnType<typeof newUser>;
let visaId: string;
let amexId: string;
let expiredId: string;
beforeAll(async () => {
  v = await startTestVault();
  await registerExampleProcessors(v);
  user = newUser();
  visaId = (await v.addCard(user, visa())).json.id;
  amexId = (await v.addCard(user, visa({ number: '378282246310005' }))).json.id;
  expiredId = (await v.addCard(user, visa({ number: '5555555555554444' }))).json.id;
  await v.database.pool.query('UPDATE cards SET exp_year = 2020 WHERE id = $1', [expiredId]);
  const disabled = await v.internal('/v1/processors/disabled-processor', { as: 'admin', method: 'PUT', body: { name: 'Off', enabled: false, jwks: publicJwks('xero-payments') } });
  expect(disabled.status).toBe(200);
});
afterAll(async () => {
  await v.close();
});

describe('POST /v1/payment-tokens refuses bad input with its code, never echoing the CVC', () => {
  const cases: Array<[string, () => Record<string, unknown>, number, string]> = [
    ['CVC too short for Visa', () => ({ cardId: visaId, cvc: '12' }), 422, 'cvc_invalid'],
    ['CVC too long for Visa', () => ({ cardId: visaId, cvc: '1234' }), 422, 'cvc_invalid'],
    ['3-digit CVC for Amex', () => ({ cardId: amexId, cvc: '123' }), 422, 'cvc_invalid'],
    ['full-width digits', () => ({ cardId: visaId, cvc: '１２３' }), 422, 'cvc_invalid'],
    ['Arabic-Indic digits', () => ({ cardId: visaId, cvc: '١٢٣' }), 422, 'cvc_invalid'],
    ['CVC as a JSON number', () => ({ cardId: visaId, cvc: 123 }), 400, 'invalid_request'],
    ['amount 0', () => ({ cardId: visaId, cvc: '123', invoice: { ...INVOICE, amount: 0 } }), 422, 'amount_invalid'],
    ['negative amount', () => ({ cardId: visaId, cvc: '123', invoice: { ...INVOICE, amount: -5 } }), 422, 'amount_invalid'],
    ['fractional amount', () => ({ cardId: visaId, cvc: '123', invoice: { ...INVOICE, amount: 10.5 } }), 422, 'amount_invalid'],
    ['amount above the maximum', () => ({ cardId: visaId, cvc: '123', invoice: { ...INVOICE, amount: 10_000_001 } }), 422, 'amount_invalid'],
    ['amount as a string', () => ({ cardId: visaId, cvc: '123', invoice: { ...INVOICE, amount: '100' } }), 400, 'invalid_request'],
    ['currency usd', () => ({ cardId: visaId, cvc: '123', invoice: { ...INVOICE, currency: 'usd' } }), 422, 'currency_invalid'],
    ['currency XXX', () => ({ cardId: visaId, cvc: '123', invoice: { ...INVOICE, currency: 'XXX' } }), 422, 'currency_invalid'],
    ['unknown processor', () => ({ cardId: visaId, cvc: '123', processorId: 'no-such-processor' }), 422, 'processor_unknown'],
    ['disabled processor', () => ({ cardId: visaId, cvc: '123', processorId: 'disabled-processor' }), 422, 'processor_unknown'],
    ['unknown partner', () => ({ cardId: visaId, cvc: '123', invoice: { ...INVOICE, partner: 'quickbooks' } }), 400, 'invalid_request'],
    ['unsafe invoice id', () => ({ cardId: visaId, cvc: '123', invoice: { ...INVOICE, id: 'INV 1; DROP' } }), 400, 'invalid_request'],
    ['expired card', () => ({ cardId: expiredId, cvc: '123' }), 422, 'card_expired'],
    ['a card that does not exist', () => ({ cardId: 'card_AAAAAAAAAAAAAAAAAAAAAA', cvc: '123' }), 404, 'card_not_found'],
    ['extra field', () => ({ cardId: visaId, cvc: '123', pan: '4242424242424242' }), 400, 'invalid_request'],
  ];
  for (const [name, body, status, code] of cases) {
    it(name, async () => {
      const res = await issueToken(v, user, body());
      expect(res.status).toBe(status);
      expect(res.json.code).toBe(code);
      expect(res.text).not.toMatch(/"1234?"|１２３|١٢٣|4242424242/);
    });
  }

  it("another user's card answers 404 card_not_found", async () => {
    const res = await issueToken(v, newUser(user.tid), { cardId: visaId, cvc: '123' });
    expect(res.status).toBe(404);
    expect(res.json.code).toBe('card_not_found');
  });
});

describe('processor registry refuses keys it would not encrypt to', () => {
  const rsa = (bits: number, extra: Record<string, unknown> = {}) => ({
    ...generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'jwk' }),
    kid: `k-${bits}`,
    ...extra,
  });
  const cases: Array<[string, unknown, string]> = [
    ['RSA-1024', { keys: [rsa(1024)] }, 'rsa_key_too_short'],
    ['RSA1_5', { keys: [rsa(2048, { alg: 'RSA1_5' })] }, 'algorithm_not_allowed'],
    ['RSA-OAEP (SHA-1)', { keys: [rsa(2048, { alg: 'RSA-OAEP' })] }, 'algorithm_not_allowed'],
    ['no kid', { keys: [{ ...rsa(2048), kid: undefined }] }, 'kid_required'],
    ['a signing key', { keys: [rsa(2048, { use: 'sig' })] }, 'not_an_encryption_key'],
    ['P-384', { keys: [{ ...generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' }), kid: 'p384' }] }, 'curve_not_allowed'],
    ['a private key', { keys: [{ ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }), kid: 'priv' }] }, 'private_key_material'],
    ['a symmetric key', { keys: [{ kty: 'oct', k: 'AAAA', kid: 'oct' }] }, 'private_key_material'],
  ];
  for (const [name, jwks, problem] of cases) {
    it(name, async () => {
      const res = await v.internal('/v1/processors/bad-keys', { as: 'admin', method: 'PUT', body: { name: 'Bad', enabled: true, jwks } });
      expect(res.status).toBe(422);
      expect(res.json.code).toBe('jwks_invalid');
      expect(res.json.errors).toEqual([{ path: 'jwks.keys.0', code: problem }]);
    });
  }

  it('rotates keys by PUT: the newest valid key becomes current', async () => {
    const id = `rotating-${Date.now()}`;
    const first = rsa(2048, { kid: 'old' });
    await v.internal(`/v1/processors/${id}`, { as: 'admin', method: 'PUT', body: { name: 'R', enabled: true, jwks: { keys: [first] } } });
    const second = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid: 'new' };
    const res = await v.internal(`/v1/processors/${id}`, { as: 'admin', method: 'PUT', body: { name: 'R', enabled: true, jwks: { keys: [first, second] } } });
    expect(res.json.currentKid).toBe('new');
    const listed = await v.internal('/v1/processors', { as: 'admin' });
    expect(listed.json.data.find((p: { id: string }) => p.id === id)).toMatchObject({ currentKid: 'new', enabled: true });
    expect((await v.internal('/v1/processors', { as: 'payment-flow' })).status).toBe(403);
  });
});
