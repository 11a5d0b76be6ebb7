/**
 * `npm run bench [-- cards|tokens|rotation …]`: the named benchmarks (all by default), one after another.
 * Figures only; never part of `npm test`. Each benchmark's module is loaded only when it runs, after the command
 * line is parsed, so `--help` loads nothing of the vault.
 */
import { commandLine, usageError } from '../../services/vault/src/cli/command-line.ts';

const benches: Record<string, () => Promise<void>> = {
  cards: async () => (await import('./cards-bench.ts')).benchCards(),
  tokens: async () => (await import('./tokens-bench.ts')).benchTokens(),
  rotation: async () => (await import('./rotation-bench.ts')).benchRotation(),
};
const USAGE = `usage: npm run bench [-- ${Object.keys(benches).join('|')} …]   — the named benchmarks (default all), figures only`;
const { positionals } = commandLine({ usage: USAGE, positionals: { min: 0, max: 3 } });
const names = positionals.length ? positionals : Object.keys(benches);
for (const name of names) if (!benches[name]) usageError(USAGE, `unknown benchmark ${name.slice(0, 40)}`);
for (const name of names) await benches[name]!();
