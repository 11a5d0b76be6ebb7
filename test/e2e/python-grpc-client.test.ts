import { execFile, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysExample, REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';
import { mintDevAssertion } from '../../services/vault/src/dev/dev-assertion.ts';
import { registerExampleProcessors } from '../support/payments.ts';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

/**
 * A client in another language: Debian's python3-grpcio (installed by .ci/run) knows nothing but what server
 * reflection tells it. Every file the server lists goes into a standard protobuf DescriptorPool (which refuses what
 * protoc would never write, such as a map entry not named `XxxEntry`), every field name must be the .proto's
 * snake_case, and the requests are JSON with exactly those names: it checks and lists health, issues a token and
 * redeems it as the processor, over mutual TLS.
 */
const PYTHON = '/usr/bin/python3';
let v: TestVault;
beforeAll(async () => {
  v = await startTestVault();
  await registerExampleProcessors(v);
});
afterAll(async () => {
  await v.close();
});

describe('a Python gRPC client (python3-grpcio, nothing generated)', () => {
  it('learns the API by reflection alone (names as in the .proto), sees SERVING, issues and redeems once', async () => {
    const probe = spawnSync(PYTHON, ['-c', 'import grpc, google.protobuf'], { encoding: 'utf8' });
    expect(probe.status, `Debian's python3-grpcio and python3-protobuf are needed (apt-get install python3-grpcio python3-protobuf; .ci/run does): ${probe.stderr}`).toBe(0);
    const user = newUser();
    const card = await v.addCard(user, visa({ number: '4000000000000077' }));
    expect(card.status).toBe(201);
    const assertion = await mintDevAssertion({ ...user, azp: 'payment-flow' });
    // Not spawnSync: the vault under test runs in this process and must keep serving while Python calls it.
    const run = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        PYTHON,
        [path.join(REPO_ROOT, 'test/e2e/python/vault_client.py'), v.grpcTarget, keysExample('tls', 'ca.pem'), keysExample('tls', 'clients'), assertion, card.json.id],
        { encoding: 'utf8', timeout: 60_000 },
        (err, stdout, stderr) => resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(run.status, run.stderr).toBe(0);
    const seen = JSON.parse(run.stdout);
    expect(seen).toEqual({
      services: expect.arrayContaining(['vault.v1.Vault', 'grpc.health.v1.Health']),
      files: ['health/v1/health.proto', 'vault/v1/vault.proto'],
      issueRequestFields: ['card_id', 'cvc', 'processor_id', 'invoice'],
      healthMapEntry: { type: 'grpc.health.v1.HealthListResponse.StatusesEntry', mapEntry: true },
      health: 'SERVING',
      healthList: { '': { status: 'SERVING' }, 'vault.v1.Vault': { status: 'SERVING' } },
      issued: { processor_id: 'xero-payments', tokenPrefix: 'pt_' },
      redeemed: { kid: 'xero-payments-example-1', invoice: { id: 'INV-PY-1', amount: '4200', currency: 'EUR', merchant_id: 'merchant-42', partner: 'xero' }, jweParts: 5 },
      again: { status: 'NOT_FOUND', vaultErrorCode: 'token_not_found' },
    });
    expect(run.stdout + run.stderr).not.toContain('4000000000000077');
  }, 60_000);
});
