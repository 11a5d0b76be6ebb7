/**
 * `npm run bench [-- ops|load-shape|profile|import|payment-session|redeem|rotation …]`: the named benchmarks (default:
 * ops, rotation), one after another. Figures only; never part of `npm test`. Each benchmark's module is loaded
 * only when it runs, after the command line is parsed, so `--help` loads nothing of the vault. `ops` and
 * `load-shape` write their figures to bench/results/ and print them as a Markdown table; after any benchmark that
 * used the bench database, `npm run audit:verify` checks its audit chain and the run fails if it does not verify.
 */
import { commandLine, usageError } from '../../services/vault/src/cli/command-line.ts';
import type { Sections } from './bench-results.ts';

type Outcome = { sections: Sections; failures: string[]; usedBenchDatabase: boolean };
const nothing = (usedBenchDatabase: boolean): Outcome => ({ sections: {}, failures: [], usedBenchDatabase });

const benches: Record<string, () => Promise<Outcome>> = {
  ops: async () => {
    const { ops, failures } = await (await import('./ops-bench.ts')).benchOps();
    return { sections: { ops }, failures, usedBenchDatabase: true };
  },
  'load-shape': async () => {
    const { loadShape, failures } = await (await import('./load-shape-bench.ts')).benchLoadShape();
    return { sections: { loadShape }, failures, usedBenchDatabase: true };
  },
  import: async () => ({ sections: {}, failures: (await (await import('./import-bench.ts')).benchImport()).failures, usedBenchDatabase: true }),
  profile: async () => ({ sections: {}, failures: (await (await import('./profile-bench.ts')).benchProfile()).failures, usedBenchDatabase: true }),
  'payment-session': async () => ({ sections: {}, failures: (await (await import('./payment-session-bench.ts')).benchPaymentSession()).failures, usedBenchDatabase: true }),
  // Two builds on databases of their own, each verified with its own audit:verify.
  redeem: async () => ({ sections: {}, failures: (await (await import('./redeem-bench.ts')).benchRedeem()).failures, usedBenchDatabase: false }),
  rotation: async () => ((await (await import('./rotation-bench.ts')).benchRotation()), nothing(false)),
};
const DEFAULT = ['ops', 'rotation'];
const USAGE = `usage: npm run bench [-- ${Object.keys(benches).join('|')} …]   — the named benchmarks (default ${DEFAULT.join(', ')}), figures only`;
const { positionals } = commandLine({ usage: USAGE, positionals: { min: 0, max: Object.keys(benches).length } });
const names = positionals.length ? positionals : DEFAULT;
for (const name of names) if (!benches[name]) usageError(USAGE, `unknown benchmark ${name.slice(0, 40)}`);

let sections: Sections = {};
const failures: string[] = [];
let usedBenchDatabase = false;
for (const name of names) {
  const outcome = await benches[name]!();
  sections = { ...sections, ...outcome.sections };
  failures.push(...outcome.failures);
  usedBenchDatabase ||= outcome.usedBenchDatabase;
}
if (usedBenchDatabase) {
  const { benchDatabase, dropBenchDatabase } = await import('./bench-kit.ts');
  const { verifyBenchAuditChain } = await import('./audit-check.ts');
  const auditVerify = verifyBenchAuditChain(await benchDatabase());
  await dropBenchDatabase();
  console.log(`\n${auditVerify.summary}`);
  if (!auditVerify.ok) failures.push('the audit chain of the bench database does not verify');
  if (sections.ops || sections.loadShape) sections = { ...sections, auditVerify };
}
if (sections.ops || sections.loadShape) {
  const { writeResults } = await import('./bench-results.ts');
  const { markdown, jsonFile, mdFile } = writeResults(sections);
  console.log(`\n${markdown}\nwritten: ${jsonFile}\n         ${mdFile}`);
}
if (failures.length) {
  const { failureReasons } = await import('./bench-kit.ts');
  const reasons = [...failureReasons].map(([reason, n]) => `${n} × ${reason}`);
  console.error(`\nbenchmark failed:\n  ${failures.join('\n  ')}${reasons.length ? `\nfailed requests: ${reasons.join(', ')}` : ''}`);
  process.exitCode = 1;
}
