/**
 * `npm run cards:import -- --tenant <id> [--map <mapping.json>] [--report <file>] [--dry-run] [--rate <rows/s>]
 * [--batch-size <n>] [--json] <file.csv.pgp>`: imports cards from an OpenPGP-encrypted CSV file (card-import.ts).
 * This file only parses the command line; import-run.ts does the work.
 */
import { commandLine, usageError } from '../cli/command-line.ts';

const USAGE = [
  'usage: npm run cards:import -- --tenant <id> [--map <mapping.json>] [--report <file>] [--dry-run] [--rate <rows/s>] [--batch-size <n>] [--json] <file.csv.pgp>',
  '   — imports cards from an OpenPGP-encrypted CSV (the portable format, or any with --map) into one tenant, as a stream.',
  'Resumes after the last committed row when rerun on the same file; the report (--report, default <file>.report.jsonl, <file>.dry-run.report.jsonl for a dry run) names each refused row by line with its code.',
  '--rate: at most this many rows per second (default 500; 0: no limit). Exit 0 done, 1 refused (not an import file, wrong key, changed), 2 usage or failed, 78 invalid configuration.',
].join('\n');
const { values, positionals } = commandLine({
  usage: USAGE,
  options: {
    tenant: { type: 'string' },
    map: { type: 'string' },
    report: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    rate: { type: 'string', default: '500' },
    'batch-size': { type: 'string', default: '200' },
    json: { type: 'boolean', default: false },
  },
  positionals: { min: 1, max: 1 },
});
if (!values.tenant || !/^[A-Za-z0-9._:@-]{1,128}$/.test(values.tenant)) usageError(USAGE, '--tenant <id> is required');
const rate = Number(values.rate);
const batchSize = Number(values['batch-size']);
if (!Number.isInteger(rate) || rate < 0) usageError(USAGE, '--rate must be a whole number of rows per second (0: no limit)');
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5_000) usageError(USAGE, '--batch-size must be 1 to 5000');
const file = positionals[0]!;
const { runImport } = await import('./import-run.ts');
await runImport({
  tenantId: values.tenant,
  file,
  mapFile: values.map ?? null,
  // A dry run never writes over a real run's report (a resume keeps that one's lines).
  reportFile: values.report ?? `${file}.${values['dry-run'] ? 'dry-run.' : ''}report.jsonl`,
  dryRun: values['dry-run'],
  rowsPerSecond: rate,
  batchSize,
  json: values.json,
});
