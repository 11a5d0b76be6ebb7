import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import type { VaultProcess } from '../support/vault-process.ts';
import { httpsClient, startVaultProcess } from './bench-kit.ts';
import { PROCESSOR_ID } from './ops-targets.ts';

/**
 * The vault as the benchmarks run it: production-like (`info` logging, PostgreSQL, Redis, mutual TLS), with the
 * per-user/per-card rate limits, live card-session cap and cards-per-user cap raised so setup and load are not
 * refused. The settings are recorded with the results.
 */
export function benchVaultSettings(databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_MAX: '20',
    VAULT_LOG_LEVEL: 'info',
    VAULT_WORKERS: process.env['BENCH_VAULT_WORKERS'] ?? '1',
    VAULT_RATE_LIMIT_CARD: '1000000/60',
    VAULT_RATE_LIMIT_USER: '1000000/60',
    VAULT_RATE_LIMIT_CARD_NUMBER: '1000000/60',
    // The benchmarks measure the direct issue (beside payment sessions): payment-flow is allowed it explicitly.
    VAULT_DIRECT_CVC_CALLERS: 'payment-flow',
    VAULT_TOKEN_TTL_SECONDS: '900',
    VAULT_MAX_LIVE_CARD_SESSIONS: '1000',
    VAULT_MAX_CARDS_PER_USER: '10000',
  };
}

/**
 * Starts the vault with `benchVaultSettings` and registers the Xero processor's public keys. `node` adds Node
 * options and environment (the profile benchmark's hook) and may name what runs instead of this checkout's
 * compiled vault (`entry`: another commit's build, commit-build.ts).
 */
export async function startBenchVault(databaseUrl: string, node: { args?: readonly string[]; env?: Record<string, string>; entry?: readonly string[] } = {}): Promise<VaultProcess> {
  const vault = await startVaultProcess({ ...benchVaultSettings(databaseUrl), ...node.env }, node.args, node.entry ?? vaultEntry());
  const jwks = JSON.parse(readFileSync(keysExample('processors', 'xero-payments-public.jwks.json'), 'utf8')) as unknown;
  const res = await httpsClient(vault.internalUrl, 'admin')('PUT', `/v1/processors/${PROCESSOR_ID}`, {}, { name: 'Xero', enabled: true, jwks });
  if (res.status !== 200 && res.status !== 201) {
    await vault.stop();
    throw new Error(`registering the processor answered ${res.status}`);
  }
  return vault;
}

/**
 * How the benchmarks run the vault. Default: compiled (`node dist/services/vault/src/main.js`), as the container
 * runs it — no TypeScript loader holding transformed sources and source maps in the heap; built first
 * (`npm run build`) when dist/ is missing or older than a source. BENCH_VAULT_SOURCES=1: the sources through tsx,
 * as `npm start` runs them.
 */
export function vaultFromSources(): boolean {
  return process.env['BENCH_VAULT_SOURCES'] === '1';
}

const DIST_MAIN = path.join(REPO_ROOT, 'dist/services/vault/src/main.js');

/** True when dist/ lacks the vault or a file it is compiled from (or the build's settings) changed since. */
export function distStale(): boolean {
  if (!existsSync(DIST_MAIN)) return true;
  const built = statSync(DIST_MAIN).mtimeMs;
  const newer = (file: string) => statSync(file).mtimeMs > built;
  if (['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].some((f) => existsSync(path.join(REPO_ROOT, f)) && newer(path.join(REPO_ROOT, f)))) return true;
  const walk = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory() ? e.name !== 'node_modules' && walk(path.join(dir, e.name)) : e.name.endsWith('.ts') && newer(path.join(dir, e.name)),
    );
  return walk(path.join(REPO_ROOT, 'services'));
}

let built = false;
function vaultEntry(): readonly string[] {
  if (vaultFromSources()) return ['--import', 'tsx', 'services/vault/src/main.ts'];
  if (!built) {
    if (distStale()) {
      console.log('bench: building the compiled vault (dist/ missing or older than its sources; BENCH_VAULT_SOURCES=1 runs the sources instead)');
      execFileSync('npm', ['run', '-s', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
    }
    built = true;
  }
  return [path.relative(REPO_ROOT, DIST_MAIN)];
}

/** Redacts the database URL to its database name, for the results file. */
export function recordedSettings(settings: Record<string, string>): Record<string, string> {
  return { ...settings, DATABASE_URL: new URL(settings['DATABASE_URL'] ?? 'postgresql://x/unknown').pathname.slice(1), vault: vaultFromSources() ? 'sources through tsx (BENCH_VAULT_SOURCES=1)' : 'compiled (node dist/…)' };
}
