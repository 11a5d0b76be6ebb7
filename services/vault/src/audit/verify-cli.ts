/**
 * `npm run audit:verify`: recomputes every audit chain and names the first broken row. Exit 0 when intact.
 */
import { commandLine } from '../cli/command-line.ts';
import { loadConfigOrExit } from '../config/load-config.ts';
import { openConfiguredDatabase } from '../storage/open-configured-database.ts';
import { verifyAuditChain } from './audit-verify.ts';

const { values } = commandLine({
  usage: [
    'usage: npm run audit:verify [-- --json]   — recomputes every audit hash chain and names the first broken row.',
    'Exit 0 intact, 1 broken, 2 could not check, 78 invalid configuration. --json prints the verdict as JSON.',
  ].join('\n'),
  options: { json: { type: 'boolean', default: false } },
});
const config = loadConfigOrExit(78);
try {
  const { database, close } = await openConfiguredDatabase(config);
  try {
    const verdict = await verifyAuditChain(database.pool);
    if (values.json) {
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
