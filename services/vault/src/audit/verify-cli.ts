/**
 * `npm run audit:verify`: recomputes every audit chain and names the first broken row. Exit 0 when intact.
 */
import { ConfigError, loadConfig } from '../config/load-config.ts';
import { openConfiguredDatabase } from '../storage/open-configured-database.ts';
import { verifyAuditChain } from './audit-verify.ts';

try {
  const { database, close } = await openConfiguredDatabase(loadConfig());
  try {
    const verdict = await verifyAuditChain(database.pool);
    if (verdict.ok) {
      console.log(`audit:verify: OK — ${verdict.events} events in ${verdict.chains} chain(s), every link intact`);
    } else {
      const b = verdict.brokenAt;
      console.error(`audit:verify: BROKEN at audit_events id=${b.id} (chain ${b.chain}, seq ${b.seq}): ${b.reason}`);
      process.exitCode = 1;
    }
  } finally {
    await close();
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `audit:verify: failed (${(err as Error).name})`);
  process.exitCode = 2;
}
