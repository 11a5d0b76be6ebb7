import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import { runNpmScript, runNpmScriptAsync } from '../support/run-script.ts';
import { dropDatabase, ensureDatabase, TEST_DATABASE_URL, withDatabase } from '../support/test-database.ts';

/**
 * Every command behaves like a Unix tool: `--help` prints its usage and exits 0 with no side effect (checked
 * against an empty database that must stay empty, and the example keys that must stay as they are); an unknown
 * option is one line on stderr and exit 2.
 * Slow on purpose: each command is run as an operator runs it, through npm with its pre-steps (≈20 processes).
 */
const COMMANDS = [
  'start', 'migrate', 'audit:verify', 'audit:export', 'retention:purge', 'cards:import', 'cards:import-key', 'cards:export', 'rotate-keys', 'keys:retire', 'keys:example', 'dev:assertion', 'invoice:mint', 'demo',
  'processor-sim', 'settings-demo', 'tls:scan', 'bench', 'build:card-form', 'grpc:generate',
];
const emptyUrl = withDatabase(TEST_DATABASE_URL, `vault_empty_${process.pid}_${Date.now()}`);
beforeAll(async () => {
  await ensureDatabase(emptyUrl);
});
afterAll(async () => {
  await dropDatabase(emptyUrl);
});

const keysDigest = () => createHash('sha256').update(readFileSync(keysExample('kek', 'v1.key'))).update(readFileSync(keysExample('tls', 'ca.pem'))).digest('hex');

describe('every npm command', () => {
  it('--help: usage on stdout, exit 0, nothing touched', async () => {
    const before = keysDigest();
    // Two at a time (two cores): each is an npm run with its pre-steps.
    for (let i = 0; i < COMMANDS.length; i += 2) {
      const runs = await Promise.all(COMMANDS.slice(i, i + 2).map(async (command) => ({ command, run: await runNpmScriptAsync(command, { DATABASE_URL: emptyUrl }, ['--help']) })));
      for (const { command, run } of runs) {
        expect(run.status, `${command}: ${run.stderr}`).toBe(0);
        expect(run.stdout, command).toMatch(/^usage: npm /);
      }
    }
    const client = new pg.Client({ connectionString: emptyUrl });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`);
      expect(rows[0].n).toBe(0); // migrate --help migrated nothing; nothing audited, rotated or retired
    } finally {
      await client.end();
    }
    expect(keysDigest()).toBe(before);
  }, 180_000);

  it('an unknown option: one line on stderr, exit 2', () => {
    for (const command of ['migrate', 'rotate-keys', 'keys:retire', 'audit:verify', 'keys:example', 'tls:scan', 'invoice:mint']) {
      const run = runNpmScript(command, { DATABASE_URL: emptyUrl }, ['--no-such-option']);
      expect(run.status, command).toBe(2);
      expect(run.stderr.trim().split('\n'), command).toHaveLength(1);
      expect(run.stderr, command).toContain('(--help for more)');
    }
  }, 120_000);
});
