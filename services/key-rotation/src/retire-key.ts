/**
 * `npm run keys:retire -- v1 [--fingerprint]`: marks a wrapping key (or, with --fingerprint, a fingerprint key)
 * retired so the vault and the rotation job stop loading it. Refused while any row is still under it.
 */
import { PrismaAuditStore } from '../../vault/src/audit/audit-store.ts';
import { loadConfigOrExit } from '../../vault/src/config/load-config.ts';
import { commandLine, usageError } from '../../vault/src/cli/command-line.ts';
import { KeyVersionRepository } from '../../vault/src/key-versions/key-version-repository.ts';
import { openConfiguredDatabase } from '../../vault/src/storage/open-configured-database.ts';

const USAGE = [
  'usage: npm run keys:retire -- <version> [--fingerprint]',
  'Marks a wrapping key (or with --fingerprint a fingerprint key) retired: never loaded again. Refused while any',
  'row still uses it. Exit 0 retired, 1 refused, 2 usage or configuration.',
].join('\n');
const { values, positionals } = commandLine({ usage: USAGE, options: { fingerprint: { type: 'boolean', default: false } }, positionals: { min: 1, max: 1 } });
const version = positionals[0]!;
if (!/^v[1-9][0-9]*$/.test(version)) usageError(USAGE, `not a key version: use v1, v2, …`);
const purpose = values.fingerprint ? 'fingerprint' : 'wrapping';
const config = loadConfigOrExit(2);
const current = purpose === 'fingerprint' ? config.keys.fingerprint.current : config.keys.wrapping.current;
if (version === current) {
  console.error(`keys:retire: ${version} is the current ${purpose} key; make another current and rotate first`);
  process.exit(1);
}
const db = await openConfiguredDatabase(config);
try {
  const keys = new KeyVersionRepository(db.database.prisma);
  const inUse = await keys.rowsUsing(purpose, version);
  const audit = new PrismaAuditStore(db.database.prisma, config.audit.chains);
  const event = { action: 'key.retire', actorService: 'key-rotation', requestId: `retire-${purpose}-${version}-${Date.now()}`, target: `${purpose}/${version}` } as const;
  if (inUse > 0) {
    await audit.append({ ...event, outcome: 'denied', reason: `rows_in_use=${inUse}` });
    console.error(`keys:retire: refused — ${inUse} row(s) still use ${purpose} key ${version}; run npm run rotate-keys first`);
    process.exitCode = 1;
  } else {
    await keys.retire(purpose, version);
    await audit.append({ ...event, outcome: 'success' });
    console.log(`keys:retire: ${purpose} key ${version} retired; the vault will no longer load it`);
  }
} finally {
  await db.close();
}
