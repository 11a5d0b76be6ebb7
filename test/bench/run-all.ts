/**
 * `npm run bench [-- cards|tokens|rotation …]`: the named benchmarks (all by default), one after another.
 * Figures only; never part of `npm test`.
 */
import { benchCards } from './cards-bench.ts';
import { benchRotation } from './rotation-bench.ts';
import { benchTokens } from './tokens-bench.ts';
import { commandLine, usageError } from '../../services/vault/src/cli/command-line.ts';

const benches: Record<string, () => Promise<void>> = { cards: benchCards, tokens: benchTokens, rotation: benchRotation };
const USAGE = `usage: npm run bench [-- ${Object.keys(benches).join('|')} …]   — the named benchmarks (default all), figures only`;
const { positionals } = commandLine({ usage: USAGE, positionals: { min: 0, max: 3 } });
const names = positionals.length ? positionals : Object.keys(benches);
for (const name of names) if (!benches[name]) usageError(USAGE, `unknown benchmark ${name.slice(0, 40)}`);
for (const name of names) await benches[name]!();
