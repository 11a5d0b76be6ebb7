/**
 * Payment-token issue and redeem over mTLS against a vault process, beside the floor of what one issue must
 * do — an ESDK decrypt, a JWE to the processor's key and a Redis write — measured in this same run.
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { loadConfig } from '../../services/vault/src/config/load-config.ts';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import { buildCrypto } from '../../services/vault/src/crypto/build-crypto.ts';
import { encryptForProcessor } from '../../services/vault/src/crypto/processor-jwe.ts';
import { mintDevAssertion } from '../../services/vault/src/dev/dev-assertion.ts';
import { validateJwks } from '../../services/vault/src/processors/processor-keys.ts';
import { benchDatabase, drive, formatResult, httpsClient, startVaultProcess } from './bench-kit.ts';
import { distinctVisa } from '../support/card-numbers.ts';
import { call, vaultClient } from '../support/grpc-client.ts';

const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 16);
const ISSUES = Number(process.env['BENCH_TOKEN_ISSUES'] ?? 2_000);
const FLOOR_OPS = 1_000;

export async function benchTokens(): Promise<void> {
  const url = await benchDatabase();

  // Floor: decrypt a card ciphertext + JWE to Xero's RSA key + Redis SET, one after another.
  const { envelope } = buildCrypto(loadConfig({}).keys);
  const context = { purpose: 'card', tenant: 'bench', owner: 'u', record: 'card_x' };
  const sealed = await envelope.encrypt(Buffer.from(JSON.stringify({ v: 1, number: '4242424242424242' })), context);
  const jwks = JSON.parse(readFileSync(keysExample('processors', 'xero-payments-public.jwks.json'), 'utf8'));
  const [key] = await validateJwks(jwks, [], new Date());
  const redis = new Redis('redis://127.0.0.1:6379');
  const floorOnce = async (i: number) => {
    const pan = JSON.parse(Buffer.from(await envelope.decrypt(sealed.ciphertext, context)).toString());
    const jwe = await encryptForProcessor({ ...pan, cvc: '123', i }, key!);
    await redis.set(`vault:bench:floor:${i % 100}`, jwe, 'EX', 60);
  };
  for (let i = 0; i < 100; i++) await floorOnce(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < FLOOR_OPS; i++) await floorOnce(i);
  const floorMs = Number(process.hrtime.bigint() - t0) / 1e6 / FLOOR_OPS;
  redis.disconnect();

  const vault = await startVaultProcess({
    DATABASE_URL: url,
    DATABASE_POOL_MAX: '20',
    VAULT_LOG_LEVEL: 'info', // production-like, and the start-up line says where it listens
    VAULT_WORKERS: process.env['BENCH_VAULT_WORKERS'] ?? '1',
    VAULT_RATE_LIMIT_CARD: '1000000/60',
    VAULT_RATE_LIMIT_USER: '1000000/60',
    VAULT_RATE_LIMIT_CARD_NUMBER: '1000000/60',
    VAULT_TOKEN_TTL_SECONDS: '900',
  });
  try {
    const settings = httpsClient(vault.internalUrl, 'account-settings');
    const admin = httpsClient(vault.internalUrl, 'admin');
    const flow = httpsClient(vault.internalUrl, 'payment-flow');
    const processor = httpsClient(vault.internalUrl, 'processor-xero-payments');
    const pub = httpsClient(vault.publicUrl);
    await admin('PUT', '/v1/processors/xero-payments', {}, { name: 'Xero', enabled: true, jwks });

    // Setup (not timed): 50 users with 2 cards each.
    const salt = Date.now();
    const users = Array.from({ length: 50 }, (_, i) => ({ sub: `tok-u${i}-${salt}`, tid: 'bench-tokens' }));
    const bearers = await Promise.all(users.map(async (u) => `Bearer ${await mintDevAssertion(u)}`));
    const cards: Array<{ user: number; id: string }> = [];
    await drive('setup: cards', users.length * 2, 8, async (i) => {
      const user = i % users.length;
      const session = await settings('POST', '/v1/card-sessions', { authorization: bearers[user]! }, {});
      const card = await pub('POST', '/v1/cards', { authorization: `CardSession ${session.json.clientSecret}` }, {
        number: distinctVisa(i, salt + 7),
        expMonth: 12,
        expYear: new Date().getUTCFullYear() + 2,
        cardholderName: 'Bench Holder',
      });
      cards.push({ user, id: card.json.id });
      return card.status === 201;
    });

    const invoice = { id: 'INV-BENCH', amount: 1000, currency: 'EUR', merchantId: 'bench', partner: 'xero' };
    const tokens: string[] = [];
    const issues = await drive(`POST /v1/payment-tokens (mTLS, c=${CONCURRENCY})`, ISSUES, CONCURRENCY, async (i) => {
      const card = cards[i % cards.length]!;
      const res = await flow('POST', '/v1/payment-tokens', { authorization: bearers[card.user]! }, { cardId: card.id, cvc: '123', processorId: 'xero-payments', invoice });
      tokens[i] = res.json?.token;
      return res.status === 201;
    });
    const redeems = await drive(`POST /v1/payment-tokens/redeem (mTLS, c=${CONCURRENCY})`, ISSUES, CONCURRENCY, async (i) => {
      const res = await processor('POST', '/v1/payment-tokens/redeem', {}, { token: tokens[i] });
      return res.status === 200;
    });

    // The same over gRPC (vault.v1.Vault), same process, same cards, one channel per client as a service keeps.
    const grpcFlow = vaultClient(vault.grpcTarget, 'payment-flow');
    const grpcProcessor = vaultClient(vault.grpcTarget, 'processor-xero-payments');
    const grpcTokens: string[] = [];
    const grpcIssues = await drive(`gRPC IssuePaymentToken (mTLS, c=${CONCURRENCY})`, ISSUES, CONCURRENCY, async (i) => {
      const card = cards[i % cards.length]!;
      const res = await call<{ token: string }>(grpcFlow, 'IssuePaymentToken', { cardId: card.id, cvc: '123', processorId: 'xero-payments', invoice }, { authorization: bearers[card.user]! });
      grpcTokens[i] = res.value?.token ?? '';
      return res.error === null;
    });
    const grpcRedeems = await drive(`gRPC RedeemPaymentToken (mTLS, c=${CONCURRENCY})`, ISSUES, CONCURRENCY, async (i) => {
      const res = await call(grpcProcessor, 'RedeemPaymentToken', { token: grpcTokens[i] });
      return res.error === null;
    });
    grpcFlow.close();
    grpcProcessor.close();

    console.log(`\npayment tokens (${ISSUES} issues, then each redeemed once; over HTTPS, then over gRPC)`);
    console.log(`${'floor: ESDK decrypt + JWE (RSA-OAEP-256) + SET'.padEnd(44)} ${(1000 / floorMs).toFixed(0).padStart(7)}/s   ${floorMs.toFixed(3)} ms each`);
    console.log(formatResult(issues));
    console.log(formatResult(redeems));
    console.log(formatResult(grpcIssues));
    console.log(formatResult(grpcRedeems));
    console.log(`ratio: issues/s ÷ floor/s = ${(issues.perSecond / (1000 / floorMs)).toFixed(3)}; gRPC ÷ HTTPS: issue ${(grpcIssues.perSecond / issues.perSecond).toFixed(2)}, redeem ${(grpcRedeems.perSecond / redeems.perSecond).toFixed(2)}`);
    if (issues.errors || redeems.errors || grpcIssues.errors || grpcRedeems.errors) throw new Error('benchmark requests failed');
  } finally {
    await vault.stop();
  }
}
