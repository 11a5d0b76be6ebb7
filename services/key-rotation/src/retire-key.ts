/**
 * `npm run keys:retire -- v1 [--fingerprint]`: marks a wrapping key (or, with --fingerprint, a fingerprint key)
 * retired so the vault and the rotation job stop loading it. Refused while any row is still under it.
 */
import { parseArgs } from 'node:util';
import { PrismaAuditStore } from '../../vault/src/audit/audit-store.ts';
import { loadConfigOrExit } from '../../vault/src/config/load-config.ts';
import { KeyVersionRepository } from '../../vault/src/key-versions/key-version-repository.ts';
import { openConfiguredDatabase } from '../../vault/src/storage/open-configured-database.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { fingerprint: { type: 'boolean', default: false } } });
const version = positionals[0];
if (!version || !/^v[1-9][0-9]*$/.test(version) || positionals.length !== 1) {
  console.error('usage: npm run keys:retire -- <version> [--fingerprint]');
  process.exit(2);
}
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
