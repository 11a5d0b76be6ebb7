import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { mintDevAssertion } from '../../services/vault/src/dev/dev-assertion.ts';
import { listeningPorts } from '../../services/vault/src/dev/listening-ports.ts';
import { clientCert, request } from '../support/https-client.ts';
import { kmsEnv, startKmsEndpoint, testKeyArn, type KmsEndpoint } from '../support/kms-endpoint.ts';
import { envWithoutVaultSettings } from '../support/run-script.ts';
import { scratchDatabase } from '../support/test-database.ts';
import { newUser, visa } from '../support/test-vault.ts';
import { startVaultProcess } from '../support/vault-process.ts';

/**
 * A vault on KMS keys (VAULT_KEYRING=kms) that starts while KMS is throttling or refusing connections: the
 * start-up key check is no verdict on the keys then. It says "KMS unreachable (…); retrying in N s", waits with
 * backoff, and starts once KMS answers — or, after VAULT_KMS_STARTUP_WAIT_SECONDS, exits 69 saying "not starting".
 * Never exit 78 "keys do not match the data". Both steps of the check that call KMS are covered: opening the
 * canary a first start wrote (Decrypt), and writing the first canary on a fresh database (GenerateDataKey).
 * Slow on purpose: real vault processes against the KMS-protocol endpoint, one endpoint for the whole file (its
 * key material lives in its memory, so a canary written under it opens only under it).
 */
let kms: KmsEndpoint;
const databases: Array<{ drop(): Promise<void> }> = [];
const ARN = testKeyArn('5f0c8e2a-kms-start-up');

beforeAll(async () => {
  kms = await startKmsEndpoint();
});
afterAll(async () => {
  await kms?.close();
  for (const db of databases) await db.drop();
});

const vaultEnv = (databaseUrl: string, env: Record<string, string> = {}): Record<string, string> => ({
  ...kmsEnv(kms),
  DATABASE_URL: databaseUrl,
  VAULT_KEYRING: 'kms',
  VAULT_KMS_KEY_ARNS: `v1=${ARN}`,
  VAULT_KEY_CURRENT: 'v1',
  ...env,
});

/** A database of its own: fresh (no canary yet: the check writes one), or with the canary a healthy start wrote. */
async function database(canary: boolean): Promise<string> {
  const db = await scratchDatabase();
  databases.push(db);
  if (canary) {
    const vault = await startVaultProcess(vaultEnv(db.url));
    await vault.stop();
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT version FROM key_canaries WHERE purpose = 'wrapping'`);
    expect(rows.map((r) => r.version)).toEqual(canary ? ['v1'] : []);
  } finally {
    await client.end();
  }
  return db.url;
}

interface Started {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

function spawnVault(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/vault/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...envWithoutVaultSettings(), VAULT_INTERNAL_PORT: '0', VAULT_PUBLIC_PORT: '0', VAULT_PROBE_PORT: '0', VAULT_GRPC_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function stop(vault: Started): Promise<void> {
  if (vault.child.exitCode !== null || vault.child.signalCode !== null) return;
  vault.child.kill('SIGTERM');
  await vault.exited;
}

/** Nothing an outage carries beyond its type: no SDK message, no credential. */
function expectNoSecretsOrMessages(output: string): void {
  expect(output).not.toContain('test-secret-not-a-credential');
  expect(output).not.toContain('Rate exceeded');
  expect(output).not.toMatch(/connect ECONNREFUSED/);
}

const outages = [
  ['refusing connections', 'ECONNREFUSED', () => kms.refuse()],
  ['throttled', 'ThrottlingException', () => kms.throttle()],
] as const;
const steps = [
  ['opening the stored canary', true],
  ['writing the first canary', false],
] as const;

describe('start-up while KMS is unreachable', () => {
  for (const [outage, type, fail] of outages) {
    for (const [step, canary] of steps) {
      it(`${outage}, ${step}: says so, retries, and starts once KMS answers`, async () => {
        const url = await database(canary);
        const callsBefore = { ...kms.calls };
        await fail();
        const vault = spawnVault(vaultEnv(url));
        try {
          await expect.poll(() => vault.output(), { timeout: 60_000, interval: 200 }).toMatch(new RegExp(`KMS unreachable \\(${type}\\); retrying in \\d+ s`));
          // Still waiting, not refusing: no verdict on the keys, no listener.
          await new Promise((r) => setTimeout(r, 1_500));
          expect(vault.child.exitCode).toBeNull();
          expect(listeningPorts(vault.output())).toBeNull();

          await kms.heal();
          await expect.poll(() => vault.output(), { timeout: 30_000, interval: 200 }).toContain('KMS answers again after');
          await expect.poll(() => listeningPorts(vault.output()), { timeout: 30_000, interval: 200 }).not.toBeNull();
          const ports = listeningPorts(vault.output())!;
          const internalUrl = `https://localhost:${ports.internal}`;
          await expect.poll(async () => (await request(internalUrl, '/readyz', { identity: clientCert('admin') })).status, { timeout: 15_000, interval: 200 }).toBe(200);

          // It serves: a card is stored through KMS.
          const user = newUser();
          const bearer = `Bearer ${await mintDevAssertion({ ...user, azp: 'account-settings' })}`;
          const session = await request(internalUrl, '/v1/card-sessions', { identity: clientCert('account-settings'), body: {}, headers: { authorization: bearer } });
          expect(session.status, session.text).toBe(201);
          const card = await request(`https://localhost:${ports.public}`, '/v1/cards', { body: visa(), headers: { authorization: `CardSession ${session.json.clientSecret}` } });
          expect(card.status, card.text).toBe(201);

          // The step under test did reach KMS once it answered.
          const op = canary ? 'Decrypt' : 'GenerateDataKey';
          expect(kms.calls[op] ?? 0).toBeGreaterThan(callsBefore[op] ?? 0);
          expect(vault.output()).not.toContain('keys do not match');
          expectNoSecretsOrMessages(vault.output());
        } finally {
          await kms.heal();
          await stop(vault);
        }
        expect(await vault.exited).toBe(0);
      }, 150_000);
    }
  }

  for (const [[outage, type, fail], [step, canary]] of [
    [outages[0], steps[0]],
    [outages[1], steps[1]],
  ] as const) {
    it(`${outage}, ${step}, past VAULT_KMS_STARTUP_WAIT_SECONDS: exits 69 "not starting", never 78`, async () => {
      const url = await database(canary);
      await fail();
      const vault = spawnVault(vaultEnv(url, { VAULT_KMS_STARTUP_WAIT_SECONDS: '2' }));
      try {
        const code = await Promise.race([vault.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000))]);
        expect(code, vault.output()).toBe(69);
        const lines = vault.output().trim().split('\n');
        expect(lines.filter((l) => l.startsWith('KMS unreachable (')).length).toBeGreaterThanOrEqual(1);
        expect(lines.some((l) => new RegExp(`^KMS unreachable for \\d+ s \\(${type}\\); not starting$`).test(l)), vault.output()).toBe(true);
        expect(vault.output()).not.toContain('keys do not match');
        expect(vault.output()).not.toContain('payment vault listening');
        expect(vault.output()).not.toMatch(/\n\s+at /); // no stack
        expectNoSecretsOrMessages(vault.output());
      } finally {
        await kms.heal();
        await stop(vault);
      }
    }, 120_000);
  }

  it('VAULT_WORKERS=2: a worker that gives up stops the starting vault with 69, not a loop of new workers', async () => {
    const url = await database(true);
    await kms.refuse();
    const vault = spawnVault(vaultEnv(url, { VAULT_WORKERS: '2', VAULT_KMS_STARTUP_WAIT_SECONDS: '2' }));
    try {
      const code = await Promise.race([vault.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000))]);
      expect(code, vault.output()).toBe(69);
      expect(vault.output()).toMatch(/^KMS unreachable for \d+ s \(ECONNREFUSED\); not starting$/m);
      expect(vault.output()).not.toContain('starting another');
      expect(vault.output()).not.toContain('keys do not match');
    } finally {
      await kms.heal();
      await stop(vault);
    }
  }, 120_000);
});
