import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

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
