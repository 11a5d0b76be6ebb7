import { CompactEncrypt, importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { mintExampleInvoice } from '../../services/vault/src/dev/invoice-mint.ts';
import { openCard } from '../../services/processor-sim/src/open-card.ts';
import { loadTrustedPartners, type TrustedPartners } from '../../services/processor-sim/src/invoice-signature.ts';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import { partnerJwks, privateJwk, publicJwks } from '../support/payments.ts';

/**
 * The reference processor checks the partner's signature on the invoice a payment session bound (issue 23,
 * part 4): it opens the JWE with node-jose, then verifies `invoiceJws` under the partner keys it trusts and
 * compares its fields with the JWE's invoice; any mismatch refuses the card (no approval).
 */
const TRUSTED: TrustedPartners = { xero: partnerJwks('xero'), freshbooks: partnerJwks('freshbooks') };
const INVOICE = { id: 'INV-C1', amount: 12_345, currency: 'EUR', merchantId: 'merchant-42', partner: 'xero' };

const signedInvoice = (more: { partner?: 'xero' | 'freshbooks'; amount?: number } = {}) =>
  mintExampleInvoice({ partner: more.partner ?? 'xero', invoiceId: 'INV-C1', amount: more.amount ?? 12_345, currency: 'EUR', merchantId: 'merchant-42', merchantName: 'Acme GmbH', dueDate: '2027-01-15' });

/** A JWE as the vault makes it, to the xero-payments example key. */
async function jweOf(payload: Record<string, unknown>): Promise<string> {
  const key = publicJwks('xero-payments').keys[0] as JWK;
  const iat = Math.floor(Date.now() / 1000);
  const card = { number: '4242424242424242', expMonth: 12, expYear: 2040, cardholderName: 'A', cvc: '123', billingAddress: null, invoice: INVOICE, tokenId: 'ptid_x', iat, exp: iat + 300, ...payload };
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(card)))
    .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: key.kid! })
    .encrypt(await importJWK(key, 'RSA-OAEP-256'));
}

const open = (jwe: string) => openCard(jwe, privateJwk('xero-payments'), INVOICE, new Date(), TRUSTED);

describe('the processor sim verifies the partner-signed invoice in the JWE', () => {
  it('approves an invoice its partner signed, equal in every field', async () => {
    await expect(open(await jweOf({ invoiceJws: await signedInvoice() }))).resolves.toMatchObject({ invoice: INVOICE });
  });

  it('refuses a signature that does not verify (payload changed after signing)', async () => {
    const [h, , s] = (await signedInvoice()).split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ iss: 'xero', invoice_id: 'INV-C1', amount: 12_345 })).toString('base64url')}.${s}`;
    await expect(open(await jweOf({ invoiceJws: forged }))).rejects.toThrow('invoice signature does not verify');
  });

  it("refuses an invoice signed with another partner's key", async () => {
    await expect(open(await jweOf({ invoiceJws: await signedInvoice({ partner: 'freshbooks' }) }))).rejects.toThrow('invoice signature does not verify');
  });

  it('refuses a signed invoice whose fields differ from the JWE invoice', async () => {
    await expect(open(await jweOf({ invoiceJws: await signedInvoice({ amount: 99 }) }))).rejects.toThrow('signed invoice mismatch: amount');
  });

  it('refuses an invoice without its signed original, or from a partner it does not trust', async () => {
    await expect(open(await jweOf({}))).rejects.toThrow('invoice not signed by its partner');
    await expect(openCard(await jweOf({ invoiceJws: await signedInvoice() }), privateJwk('xero-payments'), INVOICE, new Date(), { freshbooks: partnerJwks('freshbooks') })).rejects.toThrow('invoice partner not trusted');
  });
});

describe('the partners the processor command trusts (npm run processor-sim --partners)', () => {
  it('are the public JWKS files of a folder, by partner id — the example partners from keys-example/partners', async () => {
    const trusted = loadTrustedPartners(keysExample('partners'));
    expect(Object.keys(trusted).sort()).toEqual(['freshbooks', 'xero']);
    expect(trusted).toEqual(TRUSTED);
    await expect(openCard(await jweOf({ invoiceJws: await signedInvoice() }), privateJwk('xero-payments'), INVOICE, new Date(), trusted)).resolves.toMatchObject({ invoice: INVOICE });
  });
});
