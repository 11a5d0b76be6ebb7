/**
 * `npm run audit:verify`: recomputes every audit chain and names the first broken row. Exit 0 when intact.
 * This file only parses the command line (so `--help` loads nothing of the vault); verify-run.ts does the work.
 */
import { commandLine } from '../cli/command-line.ts';

const { values } = commandLine({
  usage: [
    'usage: npm run audit:verify [-- --json]   — recomputes every audit hash chain and names the first broken row.',
    'Exit 0 intact, 1 broken, 2 could not check, 78 invalid configuration. --json prints the verdict as JSON.',
  ].join('\n'),
  options: { json: { type: 'boolean', default: false } },
});
const { runAuditVerify } = await import('./verify-run.ts');
await runAuditVerify({ json: values.json });
