/**
 * The portable card file format, a column mapping for files from other vaults, and each row checked with the
 * same rules as `POST /v1/cards` (PAN, expiry, name, billing address). Pure: no I/O.
 *
 * Portable format (CSV, UTF-8, a header row; what `cards:export` writes):
 *   user_id, number, exp_month, exp_year, cardholder_name,
 *   billing_name, billing_line1, billing_line2, billing_city, billing_region, billing_postal_code, billing_country,
 *   billing_email, billing_phone                      (billing_* but the name: all empty, or a complete address)
 *
 * Mapping (JSON, `--map`): which column of the source file holds each portable field, and how an expiry held in
 * one column is written:
 *   { "columns": { "user_id": "customer_ref", "number": "card_number", "expiry": "exp", "cardholder_name": "holder" },
 *     "expiryFormat": "MM/YY" }                        (expiryFormat: MM/YY, MM/YYYY or YYYY-MM; with "expiry")
 */
import { z } from 'zod';
import { billingAddressSchema, type BillingAddress } from '../billing-profiles/billing-profile-input.ts';
import { ClientError } from '../errors/vault-error.ts';
import { checkExpiry } from '../cards/expiry.ts';
import { parsePan, type ParsedPan } from '../cards/pan.ts';
import { IDENTIFIER } from '../identity/user-assertion.ts';

export const PORTABLE_COLUMNS = [
  'user_id',
  'number',
  'exp_month',
  'exp_year',
  'cardholder_name',
  'billing_name',
  'billing_line1',
  'billing_line2',
  'billing_city',
  'billing_region',
  'billing_postal_code',
  'billing_country',
  'billing_email',
  'billing_phone',
] as const;
export type PortableField = (typeof PORTABLE_COLUMNS)[number];

const EXPIRY_FORMATS = ['MM/YY', 'MM/YYYY', 'YYYY-MM'] as const;

const mappingSchema = z
  .object({
    columns: z.partialRecord(z.enum([...PORTABLE_COLUMNS, 'expiry']), z.string().min(1).max(200)),
    expiryFormat: z.enum(EXPIRY_FORMATS).optional(),
  })
  .strict()
  .refine((m) => (m.columns.expiry === undefined) === (m.expiryFormat === undefined), { message: 'expiry and expiryFormat go together' })
  .refine((m) => m.columns.expiry === undefined || (m.columns.exp_month === undefined && m.columns.exp_year === undefined), {
    message: 'expiry replaces exp_month and exp_year',
  });

/** Where each field is read from: the portable format's own column names unless a mapping says otherwise. */
export interface ColumnMapping {
  readonly columns: Partial<Record<PortableField | 'expiry', string>>;
  readonly expiryFormat?: (typeof EXPIRY_FORMATS)[number];
}

export const PORTABLE_MAPPING: ColumnMapping = { columns: Object.fromEntries(PORTABLE_COLUMNS.map((c) => [c, c])) };

/** A mapping file's content, checked; throws with a one-line reason. */
export function parseMapping(json: unknown): ColumnMapping {
  const parsed = mappingSchema.safeParse(json);
  if (!parsed.success) throw new Error(`invalid column mapping: ${parsed.error.issues[0]?.message ?? 'malformed'}`);
  const m = parsed.data;
  for (const required of ['user_id', 'number', 'cardholder_name'] as const) if (!m.columns[required]) throw new Error(`invalid column mapping: ${required} is not mapped`);
  if (!m.columns.expiry && !(m.columns.exp_month && m.columns.exp_year)) throw new Error('invalid column mapping: no expiry (exp_month and exp_year, or expiry)');
  return m as ColumnMapping;
}

/**
 * The source columns the file's header must have: the user, the number, the name and the expiry. Billing columns
 * may be left out of a file altogether (read as empty).
 */
export function requiredHeaders(mapping: ColumnMapping): string[] {
  const fields: Array<PortableField | 'expiry'> = ['user_id', 'number', 'cardholder_name', ...(mapping.columns.expiry ? (['expiry'] as const) : (['exp_month', 'exp_year'] as const))];
  return fields.map((f) => mapping.columns[f]).filter((c): c is string => typeof c === 'string');
}

export type RowOutcome =
  | { readonly ok: true; readonly userId: string; readonly pan: ParsedPan; readonly expMonth: number; readonly expYear: number; readonly cardholderName: string; readonly address: BillingAddress | null }
  | { readonly ok: false; readonly code: string };

const nameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s));

function expiryOf(record: Readonly<Record<string, string>>, mapping: ColumnMapping): { month: number; year: number } | null {
  const read = (field: PortableField | 'expiry') => (mapping.columns[field] ? (record[mapping.columns[field]!] ?? '').trim() : '');
  if (mapping.columns.expiry) {
    const text = read('expiry');
    const m =
      mapping.expiryFormat === 'YYYY-MM' ? /^(\d{4})-(\d{1,2})$/.exec(text)?.slice(1).reverse() : /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(text)?.slice(1);
    if (!m) return null;
    const [month, year] = m.map(Number) as [number, number];
    if (mapping.expiryFormat === 'MM/YY' && m[1]!.length !== 2) return null;
    if (mapping.expiryFormat === 'MM/YYYY' && m[1]!.length !== 4) return null;
    return { month, year: year < 100 ? 2000 + year : year };
  }
  const month = read('exp_month');
  const year = read('exp_year');
  if (!/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return null;
  return { month: Number(month), year: Number(year) };
}

/**
 * One source row, checked as the API checks a card: the same codes (`card_number_invalid`, `expiry_invalid`,
 * `card_expired`, …) plus `user_id_invalid`, `cardholder_name_invalid` and `billing_address_invalid`.
 */
export function checkRow(record: Readonly<Record<string, string>>, mapping: ColumnMapping, now: Date): RowOutcome {
  const read = (field: PortableField) => (mapping.columns[field] ? (record[mapping.columns[field]!] ?? '') : '');
  const userId = read('user_id').trim();
  if (!IDENTIFIER.test(userId)) return { ok: false, code: 'user_id_invalid' };
  let pan: ParsedPan;
  try {
    pan = parsePan(read('number').trim());
  } catch {
    return { ok: false, code: 'card_number_invalid' };
  }
  const expiry = expiryOf(record, mapping);
  if (!expiry) return { ok: false, code: 'expiry_invalid' };
  try {
    checkExpiry(expiry, now);
  } catch (err) {
    return { ok: false, code: err instanceof ClientError ? err.code : 'expiry_invalid' };
  }
  const name = nameSchema.safeParse(read('cardholder_name'));
  if (!name.success) return { ok: false, code: 'cardholder_name_invalid' };
  const billing = {
    name: read('billing_name'),
    line1: read('billing_line1'),
    line2: read('billing_line2'),
    city: read('billing_city'),
    region: read('billing_region'),
    postalCode: read('billing_postal_code'),
    country: read('billing_country'),
    email: read('billing_email'),
    phone: read('billing_phone'),
  };
  let address: BillingAddress | null = null;
  // An address is there when any of its fields but the name is (a mapping may read the name from the holder column).
  if (Object.entries(billing).some(([k, v]) => k !== 'name' && v.trim() !== '')) {
    const present = Object.fromEntries(Object.entries(billing).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, v.trim()]));
    const parsed = billingAddressSchema.safeParse(present);
    if (!parsed.success) return { ok: false, code: 'billing_address_invalid' };
    address = parsed.data;
  }
  return { ok: true, userId, pan, expMonth: expiry.month, expYear: expiry.year, cardholderName: name.data, address };
}
