/**
 * `npm run rotate-keys -- [--dry-run] [--batch-size N] [--concurrency N] [--workers N]`
 * Re-encrypts every record of every registered encrypted record type (cards, billing profiles, live idempotency
 * records) under the current key (VAULT_KEY_CURRENT) and recomputes card fingerprints under the current
 * fingerprint key, while the vault keeps serving. Safe to kill and rerun, and to
 * run several at once. On a terminal it shows a progress bar; otherwise it writes JSON lines.
 * Exit status: 0 when every row is on the current keys, 1 when rows failed or remain, 2 on a usage/config error,
 * 75 when the keyring (KMS) was unavailable: it stopped cleanly (nothing marked failed), rerun to resume.
 * This file only parses the command line (so `--help` loads nothing of the vault); rotate-keys-run.ts does the work.
 */
import { availableParallelism } from 'node:os';
import { commandLine, usageError } from '../../vault/src/tooling.ts';

const cores = availableParallelism();
const USAGE = [
  `usage: npm run rotate-keys -- [--dry-run] [--batch-size 200] [--workers ${cores}] [--concurrency <workers + 1>]`,
  'Re-encrypts every record still on an older key under VAULT_KEY_CURRENT (and recomputes fingerprints under',
  'VAULT_FINGERPRINT_KEY_CURRENT) while the vault serves; resumable. Exit 0 done, 1 rows failed or remain, 2 usage or configuration,',
  '75 the keyring (KMS) was unavailable: stopped with nothing marked failed, rerun to resume once it answers.',
  `--workers: threads that decrypt and re-encrypt (default one per core, here ${cores}; 0: on the job's own thread).`,
  '--concurrency: batches in flight, each its own transaction (default workers + 1, at least 2: one is read or',
  'written while the others keep every worker busy).',
].join('\n');
const { values } = commandLine({
  usage: USAGE,
  options: {
    'dry-run': { type: 'boolean', default: false },
    'batch-size': { type: 'string', default: '200' },
    concurrency: { type: 'string' },
    workers: { type: 'string', default: String(cores) },
  },
});
const batchSize = Number(values['batch-size']);
const workers = Number(values.workers);
if (!Number.isInteger(workers) || workers < 0 || workers > 64) usageError(USAGE, '--workers must be 0–64');
const concurrency = values.concurrency === undefined ? Math.max(2, workers + 1) : Number(values.concurrency);
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000 || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
  usageError(USAGE, '--batch-size must be 1–10000 and --concurrency 1–32');
}

const { runRotateKeys } = await import('./rotate-keys-run.ts');
await runRotateKeys({ dryRun: values['dry-run'], batchSize, concurrency, workers });
