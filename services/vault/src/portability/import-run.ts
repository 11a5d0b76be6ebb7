/** The work of `npm run cards:import`, once import-cli.ts has parsed its command line. */
import { readFileSync } from 'node:fs';
import { loadConfigOrExit } from '../config/load-config.ts';
import { buildCrypto } from '../crypto/build-crypto.ts';
import { openConfiguredDatabase } from '../storage/open-configured-database.ts';
import { sessionLocks } from '../storage/session-lock.ts';
import { importCards, ImportRefused } from './card-import.ts';
import { parseMapping, PORTABLE_MAPPING } from './card-rows.ts';
import { openImportKeys } from './import-keys.ts';
import { portabilityUnitOfWork } from './portability-unit-of-work.ts';

export interface ImportRun {
  readonly tenantId: string;
  readonly file: string;
  readonly mapFile: string | null;
  readonly reportFile: string;
  readonly dryRun: boolean;
  readonly rowsPerSecond: number;
  readonly batchSize: number;
  readonly json: boolean;
}

export async function runImport(run: ImportRun): Promise<void> {
  const config = loadConfigOrExit(78);
  let mapping = PORTABLE_MAPPING;
  try {
    if (run.mapFile) mapping = parseMapping(JSON.parse(readFileSync(run.mapFile, 'utf8')));
  } catch (err) {
    console.error(`cards:import: ${(err as Error).message.slice(0, 200)}`);
    process.exitCode = 2;
    return;
  }
  try {
    const { database, close } = await openConfiguredDatabase(config);
    try {
      const { envelope, fingerprinter } = buildCrypto(config.keys);
      const uow = portabilityUnitOfWork(database.pool, config.audit.chains);
      const decryptionKeys = await openImportKeys(uow.repos.importKeys, envelope);
      const report = await importCards(
        { uow, tryLock: sessionLocks(database.pool), envelope, fingerprinter, decryptionKeys },
        { tenantId: run.tenantId, file: run.file, mapping, reportFile: run.reportFile, dryRun: run.dryRun, rowsPerSecond: run.rowsPerSecond, batchSize: run.batchSize },
      );
      if (run.json) console.log(JSON.stringify(report));
      else {
        const refused = Object.entries(report.refusedByCode).map(([code, n]) => `${n} ${code}`).join(', ');
        console.log(
          `cards:import${report.dryRun ? ' (dry run: nothing stored)' : ''}: ${report.rows} rows${report.resumedAfter ? ` after the ${report.resumedAfter} done before` : ''} — ${report.stored} ${report.dryRun ? 'valid' : 'stored'}, ${report.merged} merged, ${report.refused} refused${refused ? ` (${refused})` : ''}; ${Math.round(report.rows / Math.max(report.seconds, 0.001))} rows/s, peak ${report.peakRssMiB} MiB; report ${run.reportFile}`,
        );
      }
    } finally {
      await close();
    }
  } catch (err) {
    if (err instanceof ImportRefused) {
      console.error(`cards:import: refused — ${err.message}`);
      process.exitCode = 1;
      return;
    }
    console.error(`cards:import: failed (${(err as NodeJS.ErrnoException).code ?? (err as Error).name})`);
    process.exitCode = 2;
  }
}
