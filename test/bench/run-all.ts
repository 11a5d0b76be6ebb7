/**
 * `npm run bench [-- cards|tokens|rotation …]`: the named benchmarks (all by default), one after another.
 * Figures only; never part of `npm test`.
 */
import { benchCards } from './cards-bench.ts';
import { benchRotation } from './rotation-bench.ts';
import { benchTokens } from './tokens-bench.ts';

const benches: Record<string, () => Promise<void>> = { cards: benchCards, tokens: benchTokens, rotation: benchRotation };
const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(benches);
for (const name of names) {
  const bench = benches[name];
  if (!bench) throw new Error(`unknown benchmark ${name}; one of ${Object.keys(benches).join(', ')}`);
  await bench();
}
