/**
 * The work of `npm run demo`, once demo.ts has parsed its command line: starts a dev-mode vault of its own and walks
 * one payment through it and the reference processor, printing every step, masked, then the payment's audit trail.
 * The payment takes the session path (issue 23): the payment flow opens a payment session for a partner-signed
 * invoice, the script makes the pay form's two public calls as the browser would (the security code goes only in
 * the confirm, to the vault, and is never printed), the payment flow reads the token from the session.
 */
import { spawn } from 'node:child_process';
import { PGlite } from '@electric-sql/pglite';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import https from 'node:https';
import { mintDevAssertion, mintExampleInvoice, listeningPorts, keysExample, REPO_ROOT } from '../services/vault/src/index.ts';
import { loadTrustedPartners } from '../services/processor-sim/src/invoice-signature.ts';
import { approve, openCard } from '../services/processor-sim/src/open-card.ts';
import { redeemToken } from '../services/processor-sim/src/redeem-client.ts';

const ca = readFileSync(keysExample('tls', 'ca.pem'));
const client = (service: string) => ({
  cert: readFileSync(keysExample('tls', 'clients', `${service}.pem`)),
  key: readFileSync(keysExample('tls', 'clients', `${service}-key.pem`)),
});

function call(base: string, method: string, path: string, opts: { service?: string; auth?: string; body?: unknown } = {}): Promise<{ status: number; json: any; requestId: string }> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, base), {
      method,
      ca,
      ...(opts.service ? client(opts.service) : {}),
      headers: { ...(opts.auth ? { authorization: opts.auth } : {}), ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) },
    }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined, requestId: String(res.headers['x-request-id'] ?? '') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function step(n: number, text: string, detail: unknown): void {
  console.log(`\n${n}. ${text}`);
  console.log(`   ${JSON.stringify(detail)}`);
}

/** A step the demo cannot go on without: stop with its status and error code, never carry on with nothing. */
function expectStatus(n: number, res: { status: number; json: any }, expected: number): void {
  if (res.status !== expected) throw new Error(`step ${n} answered ${res.status} ${res.json?.code ?? ''} (expected ${expected})`);
}

/**
 * The payment's audit trail, read after the vault has stopped from its embedded database (PGlite lets one
 * process in at a time): what the vault recorded about this user, in order, with each event's request id.
 */
async function printAuditTrail(dataDir: string, tenantId: string, userId: string): Promise<void> {
  const db = await PGlite.create({ dataDir: path.join(dataDir, 'pgdata') });
  try {
    const { rows } = await db.query<{ occurred_at: Date; actor_service: string; action: string; target: string | null; outcome: string; request_id: string }>(
      `SELECT occurred_at, actor_service, action, target, outcome, request_id FROM audit_events
        WHERE tenant_id = $1 AND (user_id = $2 OR action LIKE 'payment_token.%') ORDER BY occurred_at, id`,
      [tenantId, userId],
    );
    console.log(`\nAudit trail of this payment (${rows.length} events, hash-chained; npm run audit:verify checks the chains):`);
    for (const r of rows) console.log(`   ${r.occurred_at.toISOString()}  ${r.request_id}  ${r.actor_service.padEnd(24)} ${r.action.padEnd(24)} ${r.outcome.padEnd(7)} ${r.target ?? ''}`);
  } finally {
    await db.close();
  }
}

export async function runDemo(): Promise<void> {
  // A vault of the demo's own: ports the OS chooses (read back from its start-up line) and a throw-away
  // embedded database, so the demo runs beside a dev vault, the tests or another demo. Of the caller's settings only
  // VAULT_REDIS_URL stays: the demo's payment needs a Redis, and it may not be the default one.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => k === 'VAULT_REDIS_URL' || (!k.startsWith('VAULT_') && k !== 'DATABASE_URL')));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'vault-demo-'));
  const vault = spawn(process.execPath, ['--import', 'tsx', 'services/vault/src/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...clean,
      VAULT_INTERNAL_PORT: '0',
      VAULT_PUBLIC_PORT: '0',
      VAULT_PROBE_PORT: '0',
      VAULT_GRPC_PORT: '0',
      VAULT_DEV_DATA_DIR: path.join(dataDir, 'pgdata'),
      VAULT_LOG_LEVEL: 'info',
      // Every run pays with the same test card number, and the per-number limit is vault-wide and kept in Redis
      // across runs: without this, the sixth demo within ten minutes would be (rightly) refused.
      VAULT_RATE_LIMIT_CARD_NUMBER: '1000/60',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let vaultOutput = '';
  vault.stdout!.on('data', (d: Buffer) => (vaultOutput += d.toString()));
  vault.stderr!.on('data', (d: Buffer) => (vaultOutput += d.toString()));
  const stopped = new Promise<void>((resolve) => vault.once('exit', () => resolve()));
  const stop = () => {
    vault.kill('SIGTERM');
    return stopped;
  };
  let INTERNAL = '';
  let PUBLIC = '';

  try {
    console.log('Starting a dev-mode vault (embedded PostgreSQL, keys-example/) …');
    const deadline = Date.now() + 90_000;
    for (;;) {
      const ports = listeningPorts(vaultOutput);
      if (ports) {
        INTERNAL = `https://localhost:${ports.internal}`;
        PUBLIC = `https://localhost:${ports.public}`;
        if ((await call(INTERNAL, 'GET', '/readyz', { service: 'admin' }).catch(() => ({ status: 0 }))).status === 200) break;
      }
      if (vault.exitCode !== null || Date.now() > deadline) throw new Error(`the vault did not start:\n${vaultOutput}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const user = { sub: `demo-user-${Date.now()}`, tid: 'demo-tenant', gid: 'finance' };
    // Each service gets an assertion bound to it (azp): a copy held by another service is refused.
    const bearerFor = async (azp: string) => `Bearer ${await mintDevAssertion({ ...user, azp })}`;
    const invoice = { id: 'INV-2026-0042', amount: 129_900, currency: 'EUR', merchantId: 'wide-world-importers', partner: 'xero' };

    const session = await call(INTERNAL, 'POST', '/v1/card-sessions', { service: 'account-settings', auth: await bearerFor('account-settings'), body: {} });
    expectStatus(1, session, 201);
    step(1, 'Settings backend (account-settings, mTLS) opens a card-entry session', { status: session.status, requestId: session.requestId, id: session.json.id, clientSecret: 'cs_…(given to the browser, never logged)', expiresAt: session.json.expiresAt });

    const card = await call(PUBLIC, 'POST', '/v1/cards', {
      auth: `CardSession ${session.json.clientSecret}`,
      body: { number: '4000 0000 0000 0077', expMonth: 8, expYear: new Date().getUTCFullYear() + 2, cardholderName: 'Dana Demo', billingAddress: { name: 'Dana Demo', line1: '1 Harbour St', city: 'Wellington', postalCode: '6011', country: 'NZ' } },
    });
    expectStatus(2, card, 201);
    step(2, 'Browser posts the card straight to the vault (public listener); the vault answers masked', { status: card.status, requestId: card.requestId, id: card.json.id, brand: card.json.brand, bin: card.json.bin, last4: card.json.last4 });

    const list = await call(INTERNAL, 'GET', '/v1/cards', { service: 'payment-flow', auth: await bearerFor('payment-flow') });
    expectStatus(3, list, 200);
    step(3, 'Payment flow (mTLS) lists the user’s cards: masked only', { requestId: list.requestId, cards: list.json.data.map((c: any) => `${c.brand} •••• ${c.last4} ${c.expMonth}/${c.expYear}`) });

    const due = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    const jws = await mintExampleInvoice({ partner: 'xero', invoiceId: invoice.id, amount: invoice.amount, currency: invoice.currency, merchantId: invoice.merchantId, merchantName: 'Wide World Importers', dueDate: due });
    step(4, 'An invoice arrives in the inbox, signed by its partner (example key, keys-example/partners/xero)', { partner: invoice.partner, invoiceId: invoice.id, amount: `${(invoice.amount / 100).toFixed(2)} ${invoice.currency}`, merchant: 'Wide World Importers', dueDate: due, jws: `${jws.slice(0, 24)}… (${jws.length} chars)` });

    const opened = await call(INTERNAL, 'POST', '/v1/payment-sessions', { service: 'payment-flow', auth: await bearerFor('payment-flow'), body: { cardId: card.json.id, processorId: 'xero-payments', invoice: jws } });
    expectStatus(5, opened, 201);
    step(5, '"Review and pay": payment flow (mTLS) opens a payment session for the card and the signed invoice', { status: opened.status, requestId: opened.requestId, id: opened.json.id, clientSecret: 'ps_…(given to the pay frame only, never logged)', formUrl: opened.json.formUrl, expiresAt: opened.json.expiresAt });

    const paySecret = `PaymentSession ${opened.json.clientSecret}`;
    const shown = await call(PUBLIC, 'GET', '/v1/payment-sessions/current', { auth: paySecret });
    expectStatus(6, shown, 200);
    step(6, 'The pay frame (the vault’s own page) reads what it shows: masked card and the invoice as the partner signed it', { status: shown.status, requestId: shown.requestId, card: shown.json.card, invoice: shown.json.invoice });

    const confirmed = await call(PUBLIC, 'POST', '/v1/payment-sessions/current/confirm', { auth: paySecret, body: { cvc: '123' } });
    expectStatus(7, confirmed, 200);
    step(7, 'User types the security code into the pay frame; it goes from the frame straight to the vault (not printed)', { status: confirmed.status, requestId: confirmed.requestId, answer: confirmed.json });

    const state = await call(INTERNAL, 'GET', `/v1/payment-sessions/${encodeURIComponent(opened.json.id)}`, { service: 'payment-flow', auth: await bearerFor('payment-flow') });
    expectStatus(8, state, 200);
    if (state.json.state !== 'confirmed') throw new Error(`step 8: the session is ${state.json.state} (expected confirmed)`);
    const token = String(state.json.paymentToken);
    step(8, 'On "paid", the payment flow reads the single-use token for Xero’s processor from the session', { status: state.status, requestId: state.requestId, state: state.json.state, paymentToken: `${token.slice(0, 8)}…`, expiresAt: state.json.expiresAt });

    const redemption = await redeemToken(INTERNAL, {
      certFile: keysExample('tls', 'clients', 'processor-xero-payments.pem'),
      keyFile: keysExample('tls', 'clients', 'processor-xero-payments-key.pem'),
      caFile: keysExample('tls', 'ca.pem'),
    }, token);
    step(9, 'Processor redeems it over mTLS and receives a JWE only it can open', { kid: redemption.kid, jwe: `${redemption.jwe.slice(0, 24)}… (${redemption.jwe.length} chars)` });

    const privateJwk = JSON.parse(readFileSync(keysExample('processors', 'xero-payments-private.jwk.json'), 'utf8')) as object;
    const charge = await openCard(redemption.jwe, privateJwk, invoice, new Date(), loadTrustedPartners(keysExample('partners')));
    const result = approve(charge);
    step(10, 'Processor opens it with node-jose, checks expiry, the invoice binding and the partner’s signature on it, and charges', result);
    console.log(
      `\nAPPROVED ${result.brandHint} •••• ${result.last4} for ${(result.amount / 100).toFixed(2)} ${result.currency} — invoice ${invoice.id}, ` +
        `merchant ${invoice.merchantId}, partner ${invoice.partner}, signature verified (approved by the reference processor, services/processor-sim, not a real one)`,
    );

    const again = await call(INTERNAL, 'POST', '/v1/payment-tokens/redeem', { service: 'processor-xero-payments', body: { token } });
    step(11, 'A second redemption of the same token is refused', { status: again.status, requestId: again.requestId, code: again.json.code });
    await stop();
    await printAuditTrail(dataDir, user.tid, user.sub);
  } finally {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
