/**
 * Bundles the hosted card form's browser code (services/vault/src/card-form/browser) with esbuild into
 * services/vault/public/card-form.js — one self-contained file the vault serves from its own origin: no CDN,
 * no third-party script. Run by `npm run build`, and (with --if-stale) before `npm start` and `npm test`.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../services/vault/src/config/repo-paths.ts';
import { commandLine } from '../services/vault/src/cli/command-line.ts';

const { values } = commandLine({
  usage: 'usage: npm run build:card-form [-- --if-stale]   — bundles the hosted card form into services/vault/public/card-form.js; --if-stale: only if a source changed',
  options: { 'if-stale': { type: 'boolean', default: false } },
});
const outfile = path.join(REPO_ROOT, 'services/vault/public/card-form.js');
/** The bundle's inputs as esbuild saw them at the last build, beside the bundle (git-ignored like it). */
const inputsFile = `${outfile}.inputs.json`;

/** True when the bundle exists and none of the files it was built from (or this script) changed since. */
function upToDate(): boolean {
  if (!existsSync(outfile) || !existsSync(inputsFile)) return false;
  const built = statSync(outfile).mtimeMs;
  const inputs = [...(JSON.parse(readFileSync(inputsFile, 'utf8')) as string[]), 'scripts/build-card-form.ts'];
  return inputs.every((input) => {
    const file = path.join(REPO_ROOT, input);
    return existsSync(file) && statSync(file).mtimeMs <= built;
  });
}

if (!(values['if-stale'] && upToDate())) {
  const { build } = await import('esbuild'); // loaded only when there is something to build
  const result = await build({
    entryPoints: [path.join(REPO_ROOT, 'services/vault/src/card-form/browser/card-form.ts')],
    outfile,
    bundle: true,
    format: 'iife',
    target: ['es2020'],
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    absWorkingDir: REPO_ROOT,
  });
  writeFileSync(inputsFile, JSON.stringify(Object.keys(result.metafile.inputs)));
}
