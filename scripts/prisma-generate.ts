/**
 * Generates the Prisma Client into services/vault/src/storage/prisma-client (git-ignored). `prisma generate`
 * needs no engine for the `prisma-client` generator, but the CLI still looks for a schema-engine binary at
 * start-up and tries to download one when it is missing — which fails offline and in air-gapped sites. Pointing
 * PRISMA_SCHEMA_ENGINE_BINARY at any existing file stops that; generate itself never runs it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, commandLine } from '../services/vault/src/tooling.ts';

const { values } = commandLine({
  usage: 'usage: npm run generate [-- --if-stale]   — generates the Prisma Client offline (no engine download); --if-stale: only if the schema changed',
  options: { 'if-stale': { type: 'boolean', default: false } },
});
const schema = path.join(REPO_ROOT, 'prisma', 'schema.prisma');
const marker = path.join(REPO_ROOT, 'services', 'vault', 'src', 'storage', 'prisma-client', 'client.ts');
if (values['if-stale'] && existsSync(marker) && statSync(marker).mtimeMs >= statSync(schema).mtimeMs) {
  process.exit(0);
}
const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env['PRISMA_SCHEMA_ENGINE_BINARY'] ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
execFileSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'prisma'), ['generate', '--schema', schema], { env, stdio: ['ignore', 'ignore', 'inherit'], cwd: REPO_ROOT });
