/**
 * Bundles the hosted forms' browser code (services/vault/src/card-form/browser, services/vault/src/pay-form/browser)
 * with esbuild into services/vault/public/: card-form.js and pay-form.js (the forms, classic scripts) and embed.js
 * (the embed SDK with `mount` and `mountPayForm`, an ES module),
 * each one self-contained file the vault serves from its own origin — no CDN, no third-party script — and
 * embed.d.ts, the SDK's types (from browser/embed-types.ts, which imports nothing). Run by `npm run build`, and
 * (with --if-stale) before `npm start` and `npm test`.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, commandLine } from '../services/vault/src/tooling.ts';

const { values } = commandLine({
  usage: 'usage: npm run build:card-form [-- --if-stale]   — bundles the hosted card form and its embed SDK into services/vault/public/; --if-stale: only if a source changed',
  options: { 'if-stale': { type: 'boolean', default: false } },
});
const PUBLIC = path.join(REPO_ROOT, 'services/vault/public');
const BROWSER = path.join(REPO_ROOT, 'services/vault/src/card-form/browser');
const outfile = path.join(PUBLIC, 'card-form.js');
const payForm = path.join(PUBLIC, 'pay-form.js');
const outputs = [outfile, payForm, path.join(PUBLIC, 'embed.js'), path.join(PUBLIC, 'embed.d.ts')];
/** The bundle's inputs as esbuild saw them at the last build, beside the bundle (git-ignored like it). */
const inputsFile = `${outfile}.inputs.json`;

/** True when the bundle exists and none of the files it was built from (or this script) changed since. */
function upToDate(): boolean {
  if (!outputs.every((f) => existsSync(f)) || !existsSync(inputsFile)) return false;
  const built = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  const inputs = [...(JSON.parse(readFileSync(inputsFile, 'utf8')) as string[]), 'scripts/build-card-form.ts'];
  return inputs.every((input) => {
    const file = path.join(REPO_ROOT, input);
    return existsSync(file) && statSync(file).mtimeMs <= built;
  });
}

if (!(values['if-stale'] && upToDate())) {
  const { build } = await import('esbuild'); // loaded only when there is something to build
  const common = { bundle: true, target: 'es2020', minify: true, sourcemap: false, legalComments: 'none', logLevel: 'warning', metafile: true, absWorkingDir: REPO_ROOT } as const;
  const form = await build({ ...common, entryPoints: [path.join(BROWSER, 'card-form.ts')], outfile, format: 'iife' });
  const pay = await build({ ...common, entryPoints: [path.join(REPO_ROOT, 'services/vault/src/pay-form/browser/pay-form.ts')], outfile: payForm, format: 'iife' });
  const embed = await build({ ...common, entryPoints: [path.join(BROWSER, 'embed.ts')], outfile: path.join(PUBLIC, 'embed.js'), format: 'esm' });
  const typesFile = path.join(BROWSER, 'embed-types.ts');
  const ts = (await import('typescript')).default;
  const types = ts.transpileDeclaration(readFileSync(typesFile, 'utf8'), { fileName: typesFile, compilerOptions: { declaration: true } });
  writeFileSync(
    path.join(PUBLIC, 'embed.d.ts'),
    `${types.outputText}\nexport declare const version: string;\nexport declare const mount: Mount;\nexport declare const mountPayForm: MountPayForm;\nexport declare const VaultCardForm: { readonly mount: Mount; readonly mountPayForm: MountPayForm; readonly version: string };\n`,
  );
  const inputs = new Set([...Object.keys(form.metafile.inputs), ...Object.keys(pay.metafile.inputs), ...Object.keys(embed.metafile.inputs), path.relative(REPO_ROOT, typesFile)]);
  writeFileSync(inputsFile, JSON.stringify([...inputs]));
}
