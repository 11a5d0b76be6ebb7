/**
 * `npm run keys:retire -- v1 [--fingerprint]`: marks a wrapping key (or, with --fingerprint, a fingerprint key)
 * retired so the vault and the rotation job stop loading it. Refused while any row is still under it.
 * This file only parses the command line (so `--help` loads nothing of the vault); retire-key-run.ts does the work.
 */
import { commandLine, usageError } from '../../vault/src/tooling.ts';

const USAGE = [
  'usage: npm run keys:retire -- <version> [--fingerprint]',
  'Marks a wrapping key (or with --fingerprint a fingerprint key) retired: never loaded again. Refused while any',
  'row still uses it. Exit 0 retired, 1 refused, 2 usage or configuration.',
].join('\n');
const { values, positionals } = commandLine({ usage: USAGE, options: { fingerprint: { type: 'boolean', default: false } }, positionals: { min: 1, max: 1 } });
const version = positionals[0]!;
if (!/^v[1-9][0-9]*$/.test(version)) usageError(USAGE, `not a key version: use v1, v2, …`);
const purpose = values.fingerprint ? 'fingerprint' : 'wrapping';

const { runRetireKey } = await import('./retire-key-run.ts');
await runRetireKey(purpose, version);
