import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';
import { mintExampleInvoice } from '../../services/vault/src/dev/invoice-mint.ts';
import { redeem, registerExamplePartners, registerExampleProcessors } from '../support/payments.ts';

let v: TestVault;
beforeAll(async () => {
  v = await startTestVault({ env: { VAULT_LOG_LEVEL: 'debug' } });
});
afterAll(async () => {
  await v.close();
});

/** A Luhn-valid PAN that no other test uses: 16 digits, Visa. */
const SENTINEL = '4000056655665556';

/** Every 10-digit run of the PAN (a BIN + last 4 together is 10 digits; any longer run is a leak). */
const runs = Array.from({ length: SENTINEL.length - 9 }, (_, i) => SENTINEL.slice(i, i + 10));

function leaks(text: string): string[] {
  return runs.filter((run) => text.includes(run));
}

describe('a stored PAN appears nowhere in clear', () => {
  it('is absent from every column of every table, and from the logs', async () => {
    const user = newUser();
    const res = await v.addCard(user, visa({ number: SENTINEL.replace(/(\d{4})(?=\d)/g, '$1 '), billingAddress: { name: 'S', line1: 'l', city: 'c', postalCode: 'p', country: 'DE' } }));
    expect(res.status).toBe(201);
    await v.internal('/v1/cards', { user });
    await v.internal(`/v1/cards/${res.json.id}`, { user });
    await v.internal(`/v1/cards/${res.json.id}`, { user, method: 'PATCH', body: { cardholderName: 'Sentinel Holder' } });
    // And a failing attempt with the same PAN (duplicate path) and a rejected one.
    await v.addCard(user, visa({ number: SENTINEL }));
    await v.addCard(user, visa({ number: SENTINEL, expMonth: 13 }));

    const { rows: tables } = await v.database.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['cards', 'billing_profiles', 'audit_events', 'card_entry_sessions']));
    let scanned = 0;
    for (const { table_name } of tables) {
      // Every column as text; bytea as hex and as its raw bytes read as latin1, so a PAN in ciphertext would show.
      const { rows } = await v.database.pool.query(`SELECT * FROM "${table_name}"`);
      for (const row of rows) {
        for (const value of Object.values(row)) {
          const texts = Buffer.isBuffer(value) ? [value.toString('latin1'), value.toString('utf8'), value.toString('hex')] : [JSON.stringify(value) ?? ''];
          for (const text of texts) expect(leaks(text), `${table_name}`).toEqual([]);
          scanned++;
        }
      }
    }
    expect(scanned).toBeGreaterThan(50);
    expect(leaks(v.logs.join('\n'))).toEqual([]);
    expect(v.logs.length).toBeGreaterThan(5);
  });
});

describe('a security code typed into the pay form appears nowhere but inside the JWE', () => {
  const SENTINEL_CVC = '7391';
  const AMEX = '378282246310005';
  /** The sentinel as a value of its own: not inside a longer run of digits or base64url text. */
  const standalone = new RegExp(`(?<![A-Za-z0-9_-])${SENTINEL_CVC}(?![A-Za-z0-9_-])`);
  const panRuns = Array.from({ length: AMEX.length - 9 }, (_, i) => AMEX.slice(i, i + 10));
  const found = (text: string) => [...(standalone.test(text) ? [SENTINEL_CVC] : []), ...panRuns.filter((r) => text.includes(r))];

  it('is in no table, no Redis key or value, no log line after a session confirmed (and a wrong-format attempt)', async () => {
    await registerExampleProcessors(v);
    await registerExamplePartners(v);
    const user = newUser();
    const card = (await v.addCard(user, visa({ number: AMEX }))).json;
    const invoice = await mintExampleInvoice({ partner: 'xero', invoiceId: `INV-${Date.now()}`, amount: 5_000, currency: 'EUR', merchantId: 'm-1', merchantName: 'Acme', dueDate: '2027-01-15' });
    const session = await v.internal('/v1/payment-sessions', { as: 'payment-flow', user, body: { cardId: card.id, processorId: 'xero-payments', invoice }, headers: { 'idempotency-key': `pan-scan-${Date.now()}` } });
    expect(session.status, session.text).toBe(201);
    const auth = { authorization: `PaymentSession ${session.json.clientSecret}`, 'idempotency-key': `pan-scan-confirm-${Date.now()}` };
    expect((await v.public('/v1/payment-sessions/current/confirm', { body: { cvc: SENTINEL_CVC.slice(0, 3) }, headers: auth })).json.code).toBe('cvc_invalid');
    expect((await v.public('/v1/payment-sessions/current/confirm', { body: { cvc: SENTINEL_CVC }, headers: auth })).json).toEqual({ status: 'paid' });
    const state = await v.internal(`/v1/payment-sessions/${session.json.id}`, { as: 'payment-flow', user });
    // Redis is scanned while the token (and the session's encrypted copy) is still there, then after its redeem.
    // Every key on the server, read as stored: through a client without the vault's prefix.
    const server = await v.serverRedis();
    const scanRedis = async () => {
      const hits: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await server.scan(cursor, 'COUNT', 1000);
        cursor = next;
        const types = (await keys.reduce((p, key) => p.type(key), server.pipeline()).exec()) ?? [];
        const values = (await keys.reduce((p, key, i) => (types[i]?.[1] === 'string' ? p.get(key) : p.dump(key)), server.pipeline()).exec()) ?? [];
        keys.forEach((key, i) => {
          const value = values[i]?.[1];
          hits.push(...found(key), ...found(typeof value === 'string' ? value : JSON.stringify(value) ?? ''));
        });
      } while (cursor !== '0');
      return hits;
    };
    expect(await scanRedis()).toEqual([]);
    expect((await redeem(v, 'xero-payments', state.json.paymentToken)).status).toBe(200);
    expect(await scanRedis()).toEqual([]);

    const { rows: tables } = await v.database.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['payment_sessions', 'invoice_payments', 'idempotency_records']));
    for (const { table_name } of tables) {
      const { rows } = await v.database.pool.query(`SELECT * FROM "${table_name}"`);
      for (const row of rows) {
        for (const value of Object.values(row)) {
          const texts = Buffer.isBuffer(value) ? [value.toString('latin1'), value.toString('utf8'), value.toString('hex')] : [JSON.stringify(value) ?? ''];
          for (const text of texts) expect(found(text), table_name).toEqual([]);
        }
      }
    }
    expect(found(v.logs.join('\n'))).toEqual([]);
  });
});
