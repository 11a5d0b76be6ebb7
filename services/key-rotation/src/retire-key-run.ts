/**
 * The work of `npm run keys:retire`, once retire-key.ts has parsed its arguments: reads the configuration (exit 2
 * when invalid), refuses the current key (exit 1), and retires the key only when no row uses it (else exit 1),
 * auditing either outcome.
 */
import { SqlAuditStore, sqlOn, loadConfigOrExit, ENCRYPTED_RECORD_TYPES, KeyVersionRepository, openConfiguredDatabase, type KeyPurpose } from '../../vault/src/index.ts';

/** `version`: `v1`, `v2`, … (checked by retire-key.ts). */
export async function runRetireKey(purpose: KeyPurpose, version: string): Promise<void> {
  const config = loadConfigOrExit(2);
  const current = purpose === 'fingerprint' ? config.keys.fingerprint.current : config.keys.wrapping.current;
  if (version === current) {
    console.error(`keys:retire: ${version} is the current ${purpose} key; make another current and rotate first`);
    process.exit(1);
  }
  const db = await openConfiguredDatabase(config);
  try {
    const sql = sqlOn(db.database.pool);
    const keys = new KeyVersionRepository(sql, ENCRYPTED_RECORD_TYPES);
    const inUse = await keys.rowsUsing(purpose, version);
    const audit = new SqlAuditStore(sql, config.audit.chains);
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
}
