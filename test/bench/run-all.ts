/** `npm run bench`: every benchmark, one after another. Figures only; never part of `npm test`. */
import { benchCards } from './cards-bench.ts';

await benchCards();
