import creditCardType from 'credit-card-type';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRANDS } from '../../services/vault/src/cards/card-brand.ts';
import { withCheckDigit } from '../support/card-numbers.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

let v: TestVault;
beforeAll(async () => {
  v = await startTestVault();
});
afterAll(async () => {
  await v.close();
});

/** A valid number of a network: its first IIN pattern, each length it issues. */
function numbersOf(id: string): string[] {
  const { patterns, lengths } = creditCardType.getTypeInfo(id);
  const first = patterns[0]!;
  const prefix = String(Array.isArray(first) ? first[0] : first);
  return lengths.map((n) => withCheckDigit(prefix.padEnd(n - 1, '0')));
}

describe('every network of credit-card-type through POST /v1/cards', () => {
  for (const id of Object.values(creditCardType.types)) {
    it(`${id}: each length it issues is stored with the library's brand`, async () => {
      const user = newUser();
      for (const number of numbersOf(id)) {
        const expected = creditCardType(number)[0]!.type.replace('american-express', 'amex').replace('diners-club', 'diners');
        const res = await v.addCard(user, visa({ number }));
        expect(res.status, `${id} ${number.length}`).toBe(201);
        expect(res.json.brand).toBe(expected);
        expect(res.json.last4).toBe(number.slice(-4));
      }
    });
  }
});

describe('the stored brand is a closed list', () => {
  it("the database's CHECK names exactly the vault's BRANDS", async () => {
    const { rows } = await v.database.pool.query(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'cards_brand_known'`);
    const listed = [...String(rows[0]?.def).matchAll(/'([a-z]+)'::text/g)].map((m) => m[1]);
    expect(new Set(listed)).toEqual(new Set(BRANDS));
  });

  it('a brand outside it is refused by the database', async () => {
    const user = newUser();
    const card = await v.addCard(user, visa());
    await expect(v.database.pool.query(`UPDATE cards SET brand = 'bogus' WHERE id = $1`, [card.json.id])).rejects.toThrow(/cards_brand_known/);
  });
});
