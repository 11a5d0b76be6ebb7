/** `npm run bench`: every benchmark, one after another. Figures only; never part of `npm test`. */
import { benchCards } from './cards-bench.ts';
import { benchTokens } from './tokens-bench.ts';

await benchCards();
await benchTokens();
