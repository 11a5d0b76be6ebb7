/**
 * Prints an invoice signed with an example partner's key (keys-example/partners/), as the partner would send it:
 *   npm run -s invoice:mint -- --partner xero --amount 12345 --currency EUR --merchant-name "Acme GmbH"
 */
import { commandLine, usageError } from '../cli/command-line.ts';
import { EXAMPLE_PARTNERS, mintExampleInvoice, type ExamplePartnerId } from './invoice-mint.ts';

const USAGE = [
  'usage: npm run -s invoice:mint -- [--partner xero|freshbooks] [--id INV-0001] [--amount 12345] [--currency EUR]',
  '         [--merchant-id merchant-42] [--merchant-name "Acme GmbH"] [--due YYYY-MM-DD] [--ttl 3600] [--not-before 0]',
  'Prints a compact JWS invoice signed with the example partner key (xero: ES256, freshbooks: EdDSA) from',
  'keys-example/partners/ — dev and tests only; production never trusts these keys. --amount is in minor units;',
  '--due defaults to 14 days from today; --ttl is seconds until it expires; --not-before sets nbf that many seconds',
  'from now. The vault checks the fields; this command does not, so invalid invoices can be minted too.',
].join('\n');

const { values } = commandLine({
  usage: USAGE,
  options: {
    partner: { type: 'string', default: 'xero' },
    id: { type: 'string', default: 'INV-0001' },
    amount: { type: 'string', default: '12345' },
    currency: { type: 'string', default: 'EUR' },
    'merchant-id': { type: 'string', default: 'merchant-42' },
    'merchant-name': { type: 'string', default: 'Acme GmbH' },
    due: { type: 'string' },
    ttl: { type: 'string', default: '3600' },
    'not-before': { type: 'string' },
  },
});

const partners: readonly string[] = EXAMPLE_PARTNERS.map((p) => p.id);
if (!partners.includes(values.partner)) usageError(USAGE, `--partner must be one of ${partners.join(', ')}`);
const integer = (name: string, text: string): number => {
  if (!/^-?[0-9]{1,15}$/.test(text)) usageError(USAGE, `--${name} must be an integer`);
  return Number(text);
};
const amount = integer('amount', values.amount);
const lifetimeSeconds = integer('ttl', values.ttl);
const notBefore = values['not-before'] === undefined ? undefined : integer('not-before', values['not-before']);
const dueDate = values.due ?? new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);

process.stdout.write(
  `${await mintExampleInvoice({
    partner: values.partner as ExamplePartnerId,
    invoiceId: values.id,
    amount,
    currency: values.currency,
    merchantId: values['merchant-id'],
    merchantName: values['merchant-name'],
    dueDate,
    lifetimeSeconds,
    ...(notBefore !== undefined ? { notBeforeSeconds: notBefore } : {}),
  })}\n`,
);
