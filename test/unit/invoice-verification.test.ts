import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { base64url, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { mintExampleInvoice, type ExampleInvoice } from '../../services/vault/src/dev/invoice-mint.ts';
import { ClientError } from '../../services/vault/src/errors/vault-error.ts';
import { verifyInvoice } from '../../services/vault/src/invoices/invoice-verification.ts';
import type { PartnerRecord } from '../../services/vault/src/partners/partner-repository.ts';
import { validatePartnerJwks } from '../../services/vault/src/partners/partner-keys.ts';
import { partnerJwks, partnerPrivateJwk, type ExamplePartner } from '../support/payments.ts';

const NOW = new Date(Date.UTC(2026, 11, 10, 12, 0, 0));
const MAX_AMOUNT = 10_000_000;
const nowSeconds = NOW.getTime() / 1000;

const partners = new Map<string, PartnerRecord>();
const register = async (id: string, jwks: unknown, enabled = true) =>
  partners.set(id, { id, name: id, enabled, keys: await validatePartnerJwks(jwks, [], NOW), updatedAt: NOW });
await register('xero', partnerJwks('xero'));
await register('freshbooks', partnerJwks('freshbooks'));
await register('sleepy', partnerJwks('xero'), false);

const verify = (jws: unknown) => verifyInvoice(jws, async (id) => partners.get(id) ?? null, { now: NOW, maxAmount: MAX_AMOUNT });

const FIELDS: ExampleInvoice = { partner: 'xero', invoiceId: 'INV-0001', amount: 12_345, currency: 'EUR', merchantId: 'merchant-42', merchantName: 'Acme GmbH', dueDate: '2027-01-15' };
const CLAIMS = {
  iss: 'xero',
  invoice_id: 'INV-0001',
  amount: 12_345,
  currency: 'EUR',
  merchant: { id: 'merchant-42', display_name: 'Acme GmbH' },
  due_date: '2027-01-15',
  iat: nowSeconds - 10,
  exp: nowSeconds + 3600,
};

/** Signs any claims and header with a partner's example key (or `key`), as a partner — or an attacker — could. */
async function sign(claims: JWTPayload, options: { partner?: ExamplePartner; header?: Record<string, unknown>; key?: { jwk: JWK; alg: string } } = {}): Promise<string> {
  const jwk = options.key?.jwk ?? partnerPrivateJwk(options.partner ?? 'xero');
  const alg = options.key?.alg ?? (jwk.alg as string);
  return new SignJWT(claims).setProtectedHeader({ alg, kid: jwk.kid!, typ: 'invoice+jwt', ...options.header }).sign(await importJWK(jwk, alg));
}

/** A refusal's code and field problem code. */
async function refusal(jws: unknown): Promise<[string, string | undefined]> {
  try {
    await verify(jws);
  } catch (err) {
    if (!(err instanceof ClientError)) throw err;
    return [err.code, err.errors[0]?.code];
  }
  return ['accepted', undefined];
}

/** A JWS whose payload was changed after signing, the signature kept. */
function tampered(jws: string, change: (claims: Record<string, any>) => void): string {
  const [header, payload, signature] = jws.split('.');
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload!)));
  change(claims);
  return [header, base64url.encode(JSON.stringify(claims)), signature].join('.');
}

const unsigned = (header: object, claims: object, signature = '') => [base64url.encode(JSON.stringify(header)), base64url.encode(JSON.stringify(claims)), signature].join('.');

describe('a partner-signed invoice', () => {
  it('verifies an ES256 (xero) and an EdDSA (freshbooks) invoice to typed fields, keeping the JWS as signed', async () => {
    for (const partner of ['xero', 'freshbooks'] as const) {
      const jws = await mintExampleInvoice({ ...FIELDS, partner }, NOW);
      expect(await verify(jws)).toEqual({
        partnerId: partner,
        id: 'INV-0001',
        amount: 12_345,
        currency: 'EUR',
        merchant: { id: 'merchant-42', displayName: 'Acme GmbH' },
        dueDate: '2027-01-15',
        issuedAt: new Date(Math.floor(nowSeconds) * 1000),
        expiresAt: new Date((Math.floor(nowSeconds) + 3600) * 1000),
        kid: `${partner}-invoices-example-1`,
        alg: partner === 'xero' ? 'ES256' : 'EdDSA',
        jws,
      });
    }
  });

  it('precondition: the signature verifies — refuses the amount or the payee changed after signing (signature)', async () => {
    const jws = await sign(CLAIMS);
    expect(await refusal(tampered(jws, (c) => (c.amount = 1)))).toEqual(['invoice_invalid', 'signature']);
    expect(await refusal(tampered(jws, (c) => (c.merchant.display_name = 'Mallory Ltd')))).toEqual(['invoice_invalid', 'signature']);
    expect(await refusal(tampered(jws, (c) => (c.merchant.id = 'mallory')))).toEqual(['invoice_invalid', 'signature']);
    const eddsa = await sign({ ...CLAIMS, iss: 'freshbooks' }, { partner: 'freshbooks' });
    expect(await refusal(tampered(eddsa, (c) => (c.amount = 99_999)))).toEqual(['invoice_invalid', 'signature']);
  });

  it('precondition: the kid is one of the partner’s keys — refuses an unknown kid and another partner’s kid (kid)', async () => {
    expect(await refusal(await sign(CLAIMS, { header: { kid: 'no-such-kid' } }))).toEqual(['invoice_invalid', 'kid']);
    // Xero's invoice, signed with FreshBooks' key under its own kid: not among Xero's keys.
    expect(await refusal(await sign(CLAIMS, { partner: 'freshbooks' }))).toEqual(['invoice_invalid', 'kid']);
    expect(await refusal(await sign({ ...CLAIMS }, { header: { kid: undefined } }).catch(() => unsigned({ alg: 'ES256', typ: 'invoice+jwt' }, CLAIMS, 'AAAA')))).toEqual(['invoice_invalid', 'kid']);
  });

  it('precondition: the signature verifies — refuses another key under the partner’s kid (signature)', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as JWK;
    expect(await refusal(await sign(CLAIMS, { key: { jwk: { ...ec, kid: 'xero-invoices-example-1' }, alg: 'ES256' } }))).toEqual(['invoice_invalid', 'signature']);
    const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as JWK;
    expect(await refusal(await sign({ ...CLAIMS, iss: 'freshbooks' }, { key: { jwk: { ...ed, kid: 'freshbooks-invoices-example-1' }, alg: 'EdDSA' } }))).toEqual(['invoice_invalid', 'signature']);
  });

  it('precondition: alg on the allow-list — refuses alg none and HS256 keyed with the partner’s public key (algorithm)', async () => {
    const kid = 'xero-invoices-example-1';
    expect(await refusal(unsigned({ alg: 'none', kid, typ: 'invoice+jwt' }, CLAIMS))).toEqual(['invoice_invalid', 'algorithm']);
    expect(await refusal(unsigned({ alg: 'NONE', kid, typ: 'invoice+jwt' }, CLAIMS))).toEqual(['invoice_invalid', 'algorithm']);
    const publicJwk = partnerJwks('xero').keys[0]!;
    const secrets = [
      new TextEncoder().encode(JSON.stringify(publicJwk)),
      new TextEncoder().encode(createPublicKey({ key: publicJwk as any, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string),
      base64url.decode(publicJwk.x!),
    ];
    for (const secret of secrets) {
      const hs = await new SignJWT(CLAIMS).setProtectedHeader({ alg: 'HS256', kid, typ: 'invoice+jwt' }).sign(secret);
      expect(await refusal(hs)).toEqual(['invoice_invalid', 'algorithm']);
    }
    // An allowed algorithm that is not the key's: EdDSA named on Xero's ES256 key.
    const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }) as JWK;
    expect(await refusal(await sign(CLAIMS, { key: { jwk: { ...ed, kid }, alg: 'EdDSA' } }))).toEqual(['invoice_invalid', 'algorithm']);
    expect(await refusal(await sign(CLAIMS, { key: { jwk: partnerPrivateJwk('xero'), alg: 'ES384' } }).catch(() => unsigned({ alg: 'ES384', kid, typ: 'invoice+jwt' }, CLAIMS, 'AAAA')))).toEqual(['invoice_invalid', 'algorithm']);
  });

  it('precondition: exp not passed, nbf and iat not in the future, with 60 s of tolerance (expired, not_yet_valid)', async () => {
    expect(await refusal(await sign({ ...CLAIMS, iat: nowSeconds - 7200, exp: nowSeconds - 61 }))).toEqual(['invoice_invalid', 'expired']);
    expect(await refusal(await sign({ ...CLAIMS, iat: nowSeconds - 7200, exp: nowSeconds - 30 }))).toEqual(['accepted', undefined]);
    expect(await refusal(await sign({ ...CLAIMS, nbf: nowSeconds + 120 }))).toEqual(['invoice_invalid', 'not_yet_valid']);
    expect(await refusal(await sign({ ...CLAIMS, nbf: nowSeconds + 30 }))).toEqual(['accepted', undefined]);
    expect(await refusal(await sign({ ...CLAIMS, iat: nowSeconds + 120 }))).toEqual(['invoice_invalid', 'not_yet_valid']);
  });

  it('precondition: iss a registered, enabled partner (issuer, partner_unknown, partner_disabled)', async () => {
    const { iss: _iss, ...noIssuer } = CLAIMS;
    expect(await refusal(await sign(noIssuer))).toEqual(['invoice_invalid', 'issuer']);
    expect(await refusal(await sign({ ...CLAIMS, iss: 'Xero!' }))).toEqual(['invoice_invalid', 'issuer']);
    expect(await refusal(await sign({ ...CLAIMS, iss: 42 } as never))).toEqual(['invoice_invalid', 'issuer']);
    expect(await refusal(await sign({ ...CLAIMS, iss: 'sage' }))).toEqual(['partner_unknown', 'partner_unknown']);
    expect(await refusal(await sign({ ...CLAIMS, iss: 'sleepy' }))).toEqual(['partner_disabled', 'partner_disabled']);
    // Signed by Xero, claiming to come from FreshBooks: Xero's kid is not FreshBooks'.
    expect(await refusal(await sign({ ...CLAIMS, iss: 'freshbooks' }))).toEqual(['invoice_invalid', 'kid']);
  });

  it.each([
    ['amount 0', { amount: 0 }, 'amount'],
    ['amount negative', { amount: -1 }, 'amount'],
    ['amount not an integer', { amount: 12.5 }, 'amount'],
    ['amount as text', { amount: '12345' }, 'amount'],
    ['amount above the maximum', { amount: MAX_AMOUNT + 1 }, 'amount'],
    ['currency in lower case', { currency: 'eur' }, 'currency'],
    ['currency XXX', { currency: 'XXX' }, 'currency'],
    ['currency unknown', { currency: 'EURO' }, 'currency'],
    ['no merchant', { merchant: undefined }, 'merchant'],
    ['a merchant without a display name', { merchant: { id: 'm-1' } }, 'merchant'],
    ['a merchant id that is not safe', { merchant: { id: 'm 1;', display_name: 'Acme' } }, 'merchant'],
    ['a display name with a right-to-left override', { merchant: { id: 'm-1', display_name: 'Acme\u202Egnp.exe' } }, 'merchant'],
    ['a display name with a newline', { merchant: { id: 'm-1', display_name: 'Acme\nPay here' } }, 'merchant'],
    ['a display name of 101 characters', { merchant: { id: 'm-1', display_name: 'A'.repeat(101) } }, 'merchant'],
    ['a merchant with another member', { merchant: { id: 'm-1', display_name: 'Acme', iban: 'X' } }, 'merchant'],
    ['due date 30 February', { due_date: '2027-02-30' }, 'due_date'],
    ['due date as an ISO time', { due_date: '2027-01-15T00:00:00Z' }, 'due_date'],
    ['no due date', { due_date: undefined }, 'due_date'],
    ['an unsafe invoice id', { invoice_id: 'INV 1; DROP' }, 'format'],
    ['an unknown claim', { payee_iban: 'DE00' }, 'format'],
    ['no exp', { exp: undefined }, 'format'],
  ] as const)('refuses %s (%s)', async (_name, change, check) => {
    expect(await refusal(await sign({ ...CLAIMS, ...change }))).toEqual(['invoice_invalid', check]);
  });

  it('precondition: a compact JWS of an invoice (format)', async () => {
    expect(await refusal(await sign(CLAIMS, { header: { typ: 'JWT' } }))).toEqual(['invoice_invalid', 'format']);
    expect(await refusal(await sign(CLAIMS, { header: { typ: undefined } }))).toEqual(['invoice_invalid', 'format']);
    for (const bad of [undefined, 42, '', 'a.b', 'a.b.c.d', '!!.??.__', `${'a'.repeat(8190)}.b.c`, unsigned({ alg: 'ES256' }, CLAIMS).replace(/^[^.]+/, 'bm90IGpzb24')]) {
      expect(await refusal(bad), String(bad).slice(0, 20)).toEqual(['invoice_invalid', 'format']);
    }
  });

  it('property: any valid fields signed by either partner verify to the same fields', async () => {
    const safeId = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('xero' as const, 'freshbooks' as const),
        safeId,
        fc.integer({ min: 1, max: MAX_AMOUNT }),
        fc.constantFrom('EUR', 'USD', 'JPY', 'GBP', 'CHF'),
        safeId,
        fc.stringMatching(/^[A-Za-z0-9À-ÿ&'.,-][A-Za-z0-9À-ÿ &'.,-]{0,98}[A-Za-z0-9À-ÿ&'.,-]$/),
        fc.date({ min: new Date(Date.UTC(2026, 0, 1)), max: new Date(Date.UTC(2030, 11, 31)), noInvalidDate: true }),
        async (partner, invoiceId, amount, currency, merchantId, merchantName, due) => {
          const dueDate = due.toISOString().slice(0, 10);
          const jws = await mintExampleInvoice({ partner, invoiceId, amount, currency, merchantId, merchantName, dueDate }, NOW);
          const invoice = await verify(jws);
          expect(invoice).toMatchObject({ partnerId: partner, id: invoiceId, amount, currency, merchant: { id: merchantId, displayName: merchantName }, dueDate, jws });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('property: a signed invoice with any byte of its payload changed is refused', async () => {
    const jws = await sign(CLAIMS);
    const [header, payload, signature] = jws.split('.');
    const bytes = base64url.decode(payload!);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const changed = Uint8Array.from(bytes);
        changed[at]! ^= xor;
        const [code, check] = await refusal([header, base64url.encode(changed), signature].join('.'));
        expect(code).not.toBe('accepted');
        // A changed byte breaks the JSON (format), the issuer's name (issuer, partner_unknown) or the signature.
        expect(['invoice_invalid', 'partner_unknown']).toContain(code);
        if (code === 'invoice_invalid') expect(['signature', 'format', 'issuer']).toContain(check);
      }),
      { numRuns: 200 },
    );
  });
});
