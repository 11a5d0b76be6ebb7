/**
 * `npm run bench:readme [-- <results.md>]`: copies the newest one-worker ops table (bench/results/<date>-<commit>.md; or the one named)
 * into README.md between the bench-results markers.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { RESULTS_DIR } from './bench-results.ts';

const START = '<!-- bench-results:start -->';
const END = '<!-- bench-results:end -->';

const named = process.argv[2];
const newest = readdirSync(RESULTS_DIR)
  // The ops/load-shape tables only (`<date>-<commit>.md`): not a workers run, a profile or an import benchmark.
  .filter((f) => /^\d{4}-\d{2}-\d{2}-[0-9a-f]+\.md$/.test(f))
  .map((f) => path.join(RESULTS_DIR, f))
  .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
const source = named ? path.resolve(named) : newest;
if (!source) throw new Error('no bench/results/*.md yet: run `npm run bench -- ops` first');
const readmeFile = path.join(REPO_ROOT, 'README.md');
const readme = readFileSync(readmeFile, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} markers`);
const table = readFileSync(source, 'utf8').trim();
const from = `From \`${path.relative(REPO_ROOT, source)}\`:`;
writeFileSync(readmeFile, `${readme.slice(0, start + START.length)}\n${from}\n\n${table}\n${readme.slice(end)}`);
console.log(`README.md: results from ${path.relative(REPO_ROOT, source)}`);
