/**
 * `npm run audit:export -- [--since <ISO time>] [--format jsonl] [--out <file>]`: the audit log with each chain's
 * hash links, for a QSA or a SIEM, verifiable on its own with scripts/verify-audit-export.mjs. This file only
 * parses the command line (so `--help` loads nothing of the vault); export-run.ts does the work.
 */
import { commandLine, usageError } from '../cli/command-line.ts';

const USAGE = [
  'usage: npm run audit:export -- [--since <ISO time> | --after <previous export>] [--format jsonl] [--out <file>]   — the audit log as JSON Lines with each chain\'s hash links.',
  'Without --since or --after: every event from each chain\'s start. --after: each chain right after where that earlier export ended (the files link up).',
  '--out: written to <file>.part, then renamed (mode 0600); default: standard output.',
  'Verify the file anywhere with `node scripts/verify-audit-export.mjs <file> [--previous <earlier file>]`. Exit 0 written, 2 usage or failed, 78 invalid configuration.',
].join('\n');
const { values } = commandLine({
  usage: USAGE,
  options: { since: { type: 'string' }, after: { type: 'string' }, format: { type: 'string', default: 'jsonl' }, out: { type: 'string' } },
});
if (values.since !== undefined && values.after !== undefined) usageError(USAGE, '--since and --after exclude each other');
if (values.format !== 'jsonl') usageError(USAGE, 'the only format is jsonl');
const since = values.since === undefined ? null : new Date(values.since);
if (since && (Number.isNaN(since.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(values.since!))) usageError(USAGE, '--since must be an ISO 8601 date or time');
const { runAuditExport } = await import('./export-run.ts');
await runAuditExport({ since, after: values.after ?? null, out: values.out ?? null });
