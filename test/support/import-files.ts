/**
 * Card import files for tests, the benchmark and scripts/make-import-fixtures.ts: a CSV generated row by row (never
 * held whole), with a known share of bad rows (each with the code the import must report) and of duplicates
 * (the same card again for the same user: merged), encrypted as a stream to an OpenPGP public key.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as openpgp from 'openpgp';
import { withCheckDigit } from './card-numbers.ts';

export interface CardFileSpec {
  readonly rows: number;
  /** One row in every `badEvery` is bad (100: 1 %), the codes taken in turn. */
  readonly badEvery: number;
  /** Every `duplicateEvery`-th row repeats the previous row's card (same user). */
  readonly duplicateEvery: number;
  readonly users: number;
  readonly salt: number;
  /** `portable`: the vault's own columns; `other`: another vault's export (read with OTHER_VAULT_MAPPING). */
  readonly format: 'portable' | 'other';
}

/** What the import must report for data row `row` (1-based). */
export type Expected = { readonly outcome: 'stored' | 'merged' } | { readonly outcome: 'refused'; readonly code: string };

const BAD_CODES = ['card_number_invalid', 'card_expired', 'expiry_invalid', 'cardholder_name_invalid', 'user_id_invalid'] as const;
const YEAR = new Date().getUTCFullYear() + 2;

/** The mapping for the `other` format (also written as test/fixtures/import/other-vault.map.json). */
export const OTHER_VAULT_MAPPING = {
  columns: { user_id: 'customer_ref', number: 'card_number', expiry: 'exp', cardholder_name: 'holder', billing_line1: 'street', billing_city: 'town', billing_postal_code: 'zip', billing_country: 'country_code', billing_name: 'holder' },
  expiryFormat: 'MM/YY',
};

function pan(row: number, salt: number): string {
  return withCheckDigit(`4${String(salt % 100_000).padStart(5, '0')}${String(row).padStart(9, '0')}`);
}

/** Row `row`'s fields, and what the import must make of it. */
export function cardRow(spec: CardFileSpec, row: number): { fields: Record<string, string>; expected: Expected } {
  const isDuplicate = row % spec.duplicateEvery === 0 && row > 1;
  const source = isDuplicate ? row - 1 : row;
  const user = `imp-u${source % spec.users}`;
  const fields: Record<string, string> = {
    user_id: user,
    number: pan(source, spec.salt),
    exp_month: String(1 + (row % 12)),
    exp_year: String(YEAR),
    cardholder_name: `Holder ${source}`,
    billing_name: '',
    billing_line1: '',
    billing_city: '',
    billing_postal_code: '',
    billing_country: '',
  };
  if (row % 7 === 0) Object.assign(fields, { billing_name: `Holder ${source}`, billing_line1: `${row} Import Street`, billing_city: 'Portville', billing_postal_code: '1000', billing_country: 'NL' });
  let expected: Expected = { outcome: isDuplicate ? 'merged' : 'stored' };
  if (row % spec.badEvery === 3 && !isDuplicate && (row + 1) % spec.duplicateEvery !== 0) {
    const code = BAD_CODES[Math.floor(row / spec.badEvery) % BAD_CODES.length]!;
    if (code === 'card_number_invalid') fields['number'] = fields['number']!.slice(0, -1) + String((Number(fields['number']!.slice(-1)) + 1) % 10);
    if (code === 'card_expired') fields['exp_year'] = String(YEAR - 5);
    if (code === 'expiry_invalid') fields['exp_month'] = '13';
    if (code === 'cardholder_name_invalid') fields['cardholder_name'] = '';
    if (code === 'user_id_invalid') fields['user_id'] = 'not a valid id!';
    expected = { outcome: 'refused', code };
  }
  return { fields, expected };
}

const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The CSV, generated as it is read. */
export function cardCsv(spec: CardFileSpec): Readable {
  return Readable.from(
    (function* () {
      if (spec.format === 'portable') {
        const columns = ['user_id', 'number', 'exp_month', 'exp_year', 'cardholder_name', 'billing_name', 'billing_line1', 'billing_city', 'billing_postal_code', 'billing_country'];
        yield Buffer.from(`${columns.join(',')}\n`);
        for (let row = 1; row <= spec.rows; row++) {
          const { fields } = cardRow(spec, row);
          yield Buffer.from(`${columns.map((c) => csvCell(fields[c] ?? '')).join(',')}\n`);
        }
      } else {
        yield Buffer.from('customer_ref,card_number,exp,holder,street,town,zip,country_code\n');
        for (let row = 1; row <= spec.rows; row++) {
          const { fields: f } = cardRow(spec, row);
          const exp = /^\d+$/.test(f['exp_month']!) && Number(f['exp_month']) <= 12 ? `${f['exp_month']!.padStart(2, '0')}/${f['exp_year']!.slice(2)}` : `${f['exp_month']}/${f['exp_year']!.slice(2)}`;
          yield Buffer.from(`${[f['user_id']!, f['number']!, exp, f['cardholder_name']!, f['billing_line1']!, f['billing_city']!, f['billing_postal_code']!, f['billing_country']!].map(csvCell).join(',')}\n`);
        }
      }
    })(),
  );
}

/** Encrypts `plaintext` as a stream to `publicKeyArmored` into `outFile` (AEAD unless `aead: false`). */
export async function encryptToFile(plaintext: Readable, publicKeyArmored: string, outFile: string, { aead = true } = {}): Promise<void> {
  const encryptionKeys = await openpgp.readKey({ armoredKey: publicKeyArmored });
  const message = await openpgp.createMessage({ binary: Readable.toWeb(plaintext) as unknown as ReadableStream<Uint8Array> });
  const encrypted = await openpgp.encrypt({ message, encryptionKeys, format: 'binary', config: { aeadProtect: aead } });
  await pipeline(Readable.fromWeb(encrypted as never), createWriteStream(outFile));
}
