import { describe, expect, it } from 'vitest';
import { mintExampleInvoice, type ExampleInvoice } from '../../services/vault/src/dev/invoice-mint.ts';
import { buildFakeServices, type FakeVault } from '../support/fakes/build-fake-services.ts';
import { partnerJwks } from '../support/payments.ts';
import { admin, auditTrail, refusal } from './service-fixtures.ts';

const FIELDS: ExampleInvoice = { partner: 'xero', invoiceId: 'INV-7', amount: 4_200, currency: 'GBP', merchantId: 'm-7', merchantName: 'Seven Ltd', dueDate: '2027-03-01' };

async function vaultWithPartners(): Promise<FakeVault> {
  const v = buildFakeServices();
  for (const id of ['xero', 'freshbooks'] as const) await v.services.partners.put(admin(), id, { name: id, enabled: true, jwks: partnerJwks(id) });
  return v;
}

describe('the invoice partner registry and invoice verification, on the service layer', () => {
  it('registers, updates and lists partners, each audited (partner.register, partner.update, partner.list)', async () => {
    const v = buildFakeServices();
    const registering = admin();
    const saved = await v.services.partners.put(registering, 'xero', { name: 'Xero', enabled: true, jwks: partnerJwks('xero') });
    expect(saved).toMatchObject({ id: 'xero', name: 'Xero', enabled: true, jwks: { keys: [{ kid: 'xero-invoices-example-1', alg: 'ES256', use: 'sig' }] } });
    expect(auditTrail(v, registering.requestId).map((e) => [e.action, e.outcome, e.target])).toEqual([['partner.register', 'success', 'xero']]);
    const updating = admin();
    await v.services.partners.put(updating, 'xero', { name: 'Xero', enabled: false, jwks: partnerJwks('xero') });
    expect(auditTrail(v, updating.requestId).map((e) => e.action)).toEqual(['partner.update']);
    const listing = admin();
    expect((await v.services.partners.list(listing)).map((p) => [p.id, p.enabled])).toEqual([['xero', false]]);
    expect(auditTrail(v, listing.requestId).map((e) => e.action)).toEqual(['partner.list']);
  });

  it('refuses a JWKS with a private key, writing nothing', async () => {
    const v = buildFakeServices();
    const refused = await refusal(v.services.partners.put(admin(), 'xero', { name: 'Xero', enabled: true, jwks: { keys: [{ ...partnerJwks('xero').keys[0], d: 'secret' }] } }));
    expect(refused).toMatchObject({ code: 'jwks_invalid', status: 422, errors: [{ path: 'jwks.keys.0', code: 'private_key_material' }] });
    expect(await v.services.partners.list(admin())).toEqual([]);
  });

  it('verifies an invoice against the registry: signed by a registered partner, then refused once it is disabled or its key dropped', async () => {
    const v = await vaultWithPartners();
    const jws = await mintExampleInvoice(FIELDS, v.clock.now());
    await expect(v.services.invoices.verify(jws)).resolves.toMatchObject({ partnerId: 'xero', id: 'INV-7', amount: 4_200, merchant: { displayName: 'Seven Ltd' }, jws });

    await v.services.partners.put(admin(), 'xero', { name: 'Xero', enabled: false, jwks: partnerJwks('xero') });
    expect(await refusal(v.services.invoices.verify(jws))).toMatchObject({ code: 'partner_disabled', status: 422 });
    await v.services.partners.put(admin(), 'xero', { name: 'Xero', enabled: true, jwks: partnerJwks('freshbooks') });
    expect(await refusal(v.services.invoices.verify(jws))).toMatchObject({ code: 'invoice_invalid', status: 422, errors: [{ path: 'invoice', code: 'kid' }] });
    expect(await refusal(v.services.invoices.verify(await mintExampleInvoice({ ...FIELDS, partner: 'freshbooks', amount: 10_000_001 }, v.clock.now())))).toMatchObject({
      code: 'invoice_invalid',
      errors: [{ path: 'invoice', code: 'amount' }],
    });
  });

  it('an invoice of a partner not registered: partner_unknown', async () => {
    const v = buildFakeServices();
    expect(await refusal(v.services.invoices.verify(await mintExampleInvoice(FIELDS, v.clock.now())))).toMatchObject({ code: 'partner_unknown', status: 422 });
  });

  it('uses the vault’s clock: an invoice expires for the service when its clock passes exp + 60 s', async () => {
    const v = await vaultWithPartners();
    const jws = await mintExampleInvoice({ ...FIELDS, lifetimeSeconds: 600 }, v.clock.now());
    v.clock.advance(659_000);
    await expect(v.services.invoices.verify(jws)).resolves.toMatchObject({ id: 'INV-7' });
    v.clock.advance(2_000);
    expect(await refusal(v.services.invoices.verify(jws))).toMatchObject({ code: 'invoice_invalid', errors: [{ path: 'invoice', code: 'expired' }] });
  });
});
