/**
 * The work of `npm run audit:verify`, once verify-cli.ts has parsed its command line: reads the configuration
 * (exit 78 when invalid), verifies every chain and prints the verdict; exit 1 broken, 2 could not check.
 */
import { loadConfigOrExit } from '../config/load-config.ts';
import { openConfiguredDatabase } from '../storage/open-configured-database.ts';
import { verifyAuditChain } from './audit-verify.ts';

/** `json`: print the verdict as one JSON line instead of a sentence. */
export async function runAuditVerify({ json }: { readonly json: boolean }): Promise<void> {
  const config = loadConfigOrExit(78);
  try {
    const { database, close } = await openConfiguredDatabase(config);
    try {
      const verdict = await verifyAuditChain(database.pool);
      if (json) {
        console.log(JSON.stringify(verdict));
        if (!verdict.ok) process.exitCode = 1;
      } else if (verdict.ok) {
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
    console.error(`audit:verify: failed (${(err as Error).name})`);
    process.exitCode = 2;
  }
}
