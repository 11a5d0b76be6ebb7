/**
 * `npm run retention:purge -- [--dry-run] [--batch-size N] [--json]`: deletes expired cards, card-entry sessions and
 * idempotency records past the configured retention (VAULT_RETENTION_*), in audited batches; safe to stop and
 * rerun. This file only parses the command line; retention-run.ts does the work.
 */
import { commandLine, usageError } from '../cli/command-line.ts';

const USAGE = [
  'usage: npm run retention:purge -- [--dry-run] [--batch-size <1-10000>] [--json]   — deletes what is past retention, in audited batches.',
  'Cards VAULT_RETENTION_EXPIRED_CARD_DAYS after their expiry month, card-entry sessions VAULT_RETENTION_SESSION_DAYS after their end, idempotency records past their life.',
  '--dry-run: count only, change nothing. Exit 0 done, 2 usage or failed, 78 invalid configuration.',
].join('\n');
const { values } = commandLine({
  usage: USAGE,
  options: { 'dry-run': { type: 'boolean', default: false }, 'batch-size': { type: 'string', default: '500' }, json: { type: 'boolean', default: false } },
});
const batchSize = Number(values['batch-size']);
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) usageError(USAGE, '--batch-size must be an integer from 1 to 10000');
const { runRetentionPurge } = await import('./retention-run.ts');
await runRetentionPurge({ dryRun: values['dry-run'], batchSize, json: values.json });
