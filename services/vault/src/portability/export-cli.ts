/**
 * `npm run cards:export -- --id <exp_…> --out <file.pgp>`: writes an approved card export (card-export.ts), once.
 * This file only parses the command line; the work is in card-export.ts.
 */
import { commandLine, usageError } from '../cli/command-line.ts';

const USAGE = [
  'usage: npm run cards:export -- --id <exp_…> --out <file.pgp>   — writes the cards of an export request approved by a second admin, encrypted to its recipient\'s OpenPGP key.',
  'Exit 0 written, 1 refused (not approved, refused, expired, already written), 2 usage or failed, 78 invalid configuration.',
].join('\n');
const { values } = commandLine({ usage: USAGE, options: { id: { type: 'string' }, out: { type: 'string' } } });
if (!values.id || !/^exp_[A-Za-z0-9_-]{16}$/.test(values.id)) usageError(USAGE, '--id <exp_…> is required');
if (!values.out) usageError(USAGE, '--out <file> is required');
const { loadConfigOrExit } = await import('../config/load-config.ts');
const { buildCrypto } = await import('../crypto/build-crypto.ts');
const { openConfiguredDatabase } = await import('../storage/open-configured-database.ts');
const { sessionLocks } = await import('../storage/session-lock.ts');
const { exportCards, ExportRefused } = await import('./card-export.ts');
const { portabilityUnitOfWork } = await import('./portability-unit-of-work.ts');
const config = loadConfigOrExit(78);
try {
  const { database, close } = await openConfiguredDatabase(config);
  try {
    const result = await exportCards(
      { uow: portabilityUnitOfWork(database.pool, config.audit.chains), tryLock: sessionLocks(database.pool), envelope: buildCrypto(config.keys).envelope, approvalSeconds: config.exports.approvalSeconds },
      values.id,
      values.out,
    );
    console.log(`cards:export: ${result.cards} cards written to ${values.out}, encrypted to ${result.recipientFingerprint}`);
  } finally {
    await close();
  }
} catch (err) {
  if (err instanceof ExportRefused) {
    console.error(`cards:export: refused — ${err.message}`);
    process.exitCode = 1;
  } else {
    console.error(`cards:export: failed (${(err as NodeJS.ErrnoException).code ?? (err as Error).name})`);
    process.exitCode = 2;
  }
}
