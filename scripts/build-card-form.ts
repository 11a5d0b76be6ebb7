/**
 * Bundles the hosted card form's browser code (services/vault/src/card-form/browser) with esbuild into
 * services/vault/public/card-form.js — one self-contained file the vault serves from its own origin: no CDN,
 * no third-party script. Run by `npm run build`, and before `npm start` and `npm test`.
 */
import { build } from 'esbuild';
import path from 'node:path';
import { REPO_ROOT } from '../services/vault/src/config/repo-paths.ts';
import { commandLine } from '../services/vault/src/cli/command-line.ts';

commandLine({ usage: 'usage: npm run build:card-form   — bundles the hosted card form into services/vault/public/card-form.js' });

await build({
  entryPoints: [path.join(REPO_ROOT, 'services/vault/src/card-form/browser/card-form.ts')],
  outfile: path.join(REPO_ROOT, 'services/vault/public/card-form.js'),
  bundle: true,
  format: 'iife',
  target: ['es2020'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
