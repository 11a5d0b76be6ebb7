/** The work of `npm run retention:purge`, once retention-cli.ts has parsed its command line. */
import { SqlAuditStore } from '../audit/audit-store.ts';
import { loadConfigOrExit } from '../config/load-config.ts';
import { openConfiguredDatabase } from '../storage/open-configured-database.ts';
import { purgeRetention } from './retention-purge.ts';

export async function runRetentionPurge({ dryRun, batchSize, json }: { readonly dryRun: boolean; readonly batchSize: number; readonly json: boolean }): Promise<void> {
  const config = loadConfigOrExit(78);
  try {
    const { database, close } = await openConfiguredDatabase(config);
    try {
      const report = await purgeRetention(
        { pool: database.pool, auditOn: (sql) => new SqlAuditStore(sql, config.audit.chains) },
        config.retention,
        { dryRun, batchSize },
      );
      if (json) console.log(JSON.stringify(report));
      else {
        const c = report.counts;
        console.log(`retention:purge${dryRun ? ' (dry run: nothing deleted)' : ''}: cards ${c.cards}, card-entry sessions ${c.card_entry_sessions}, idempotency records ${c.idempotency_records}${report.runId ? ` — run ${report.runId}` : ''}`);
      }
    } finally {
      await close();
    }
  } catch (err) {
    console.error(`retention:purge: failed (${(err as NodeJS.ErrnoException).code ?? (err as Error).name})`);
    process.exitCode = 2;
  }
}
