/**
 * Generates the TypeScript types of the gRPC API (services/vault/proto/vault/v1/vault.proto) with
 * @grpc/proto-loader's generator — plain JavaScript, no protoc, no native toolchain — into
 * services/vault/src/grpc/generated/ (committed). The options are the ones the server loads the .proto with at
 * run time (grpc/proto-definition.ts), so the types describe exactly the objects handlers get and return.
 * `--check` regenerates into a temporary folder and exits 1 if the committed files differ (CI runs it through a test).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { commandLine, REPO_ROOT } from '../services/vault/src/tooling.ts';

const { values } = commandLine({
  usage: 'usage: npm run grpc:generate [-- --check]   — generates the gRPC API types from vault.proto; --check: exit 1 if the committed ones are stale',
  options: { check: { type: 'boolean', default: false } },
});

const PROTO = 'services/vault/proto/vault/v1/vault.proto';
const OUT = path.join(REPO_ROOT, 'services/vault/src/grpc/generated');
/** Must match LOADER_OPTIONS in services/vault/src/grpc/proto-definition.ts. */
const OPTIONS = ['--keepCase=false', '--longs=Number', '--enums=String', '--defaults=false', '--grpcLib=@grpc/grpc-js'];

function generate(into: string): void {
  execFileSync(path.join(REPO_ROOT, 'node_modules/.bin/proto-loader-gen-types'), [...OPTIONS, `--outDir=${into}`, PROTO], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  // The generator writes extensionless relative imports (type-only): read as CommonJS here, they resolve.
  writeFileSync(path.join(into, 'package.json'), '{ "type": "commonjs" }\n');
}

function files(dir: string, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = path.join(prefix, entry.name);
    if (entry.isDirectory()) for (const [k, v] of files(path.join(dir, entry.name), rel)) out.set(k, v);
    else out.set(rel, readFileSync(path.join(dir, entry.name), 'utf8'));
  }
  return out;
}

if (values.check) {
  const temp = mkdtempSync(path.join(tmpdir(), 'grpc-gen-'));
  try {
    generate(temp);
    const want = files(temp);
    const have = files(OUT);
    const stale = [...new Set([...want.keys(), ...have.keys()])].filter((f) => want.get(f) !== have.get(f));
    if (stale.length) {
      console.error(`grpc:generate: generated types are stale (${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ', …' : ''}); run npm run grpc:generate and commit`);
      process.exit(1);
    }
    console.log('grpc:generate: generated types match vault.proto');
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
} else {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  generate(OUT);
  console.log(`grpc:generate: wrote ${path.relative(REPO_ROOT, OUT)}`);
}
