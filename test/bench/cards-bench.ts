/**
 * Card writes and reads over TLS against a vault process on the local PostgreSQL, beside the ESDK encrypt floor
 * measured in this same run. A benchmark, not a test: it prints figures and asserts nothing but that requests
 * succeeded.
 */
import { loadConfig } from '../../services/vault/src/config/load-config.ts';
import { buildCrypto } from '../../services/vault/src/crypto/build-crypto.ts';
import { mintDevAssertion } from '../../services/vault/src/dev/dev-assertion.ts';
import { benchDatabase, drive, formatResult, httpsClient, startVaultProcess } from './bench-kit.ts';
import { distinctVisa } from '../support/card-numbers.ts';

const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 16);
const WRITES = Number(process.env['BENCH_CARD_WRITES'] ?? 2_000);
const READS = Number(process.env['BENCH_CARD_READS'] ?? 4_000);
const FLOOR_OPS = 2_000;

export async function benchCards(): Promise<void> {
  const url = await benchDatabase();

  // Floor: one ESDK encrypt of a card payload with the vault's own envelope (same suite, same keyring).
  const { envelope } = buildCrypto(loadConfig({}).keys);
  const payload = Buffer.from(JSON.stringify({ v: 1, number: '4242424242424242' }));
  const context = { purpose: 'card', tenant: 'bench', owner: 'u', record: 'card_x' };
  for (let i = 0; i < 200; i++) await envelope.encrypt(payload, context);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < FLOOR_OPS; i++) await envelope.encrypt(payload, context);
  const floorMs = Number(process.hrtime.bigint() - t0) / 1e6 / FLOOR_OPS;

  const vault = await startVaultProcess({
    DATABASE_URL: url,
    DATABASE_POOL_MAX: '20',
    VAULT_RATE_LIMIT_USER: '1000000/60',
    // Setup opens every session before the timed writes: more live sessions and cards per user than the caps.
    VAULT_MAX_LIVE_CARD_SESSIONS: '1000',
    VAULT_MAX_CARDS_PER_USER: '10000',
    VAULT_LOG_LEVEL: 'info', // production-like, and the start-up line says where it listens
    VAULT_WORKERS: process.env['BENCH_VAULT_WORKERS'] ?? '1',
  });
  try {
    const internal = httpsClient(vault.internalUrl, 'account-settings');
    const pub = httpsClient(vault.publicUrl);
    const salt = Date.now();
    const users = Array.from({ length: 200 }, (_, i) => ({ sub: `bench-u${i}-${salt}`, tid: `bench-t${i % 10}` }));
    const tokens = await Promise.all(users.map((u) => mintDevAssertion(u)));

    // Setup (not timed): one card-entry session per card write.
    const secrets: string[] = [];
    await drive('setup: card sessions', WRITES, CONCURRENCY, async (i) => {
      const res = await internal('POST', '/v1/card-sessions', { authorization: `Bearer ${tokens[i % users.length]}` }, {});
      secrets[i] = res.json.clientSecret;
      return res.status === 201;
    });

    const year = new Date().getUTCFullYear() + 3;
    const writes = await drive(`POST /v1/cards (public, TLS, c=${CONCURRENCY})`, WRITES, CONCURRENCY, async (i) => {
      const res = await pub('POST', '/v1/cards', { authorization: `CardSession ${secrets[i]}` }, {
        number: distinctVisa(i, salt),
        expMonth: 1 + (i % 12),
        expYear: year,
        cardholderName: 'Bench Holder',
      });
      return res.status === 201;
    });
    const reads = await drive(`GET /v1/cards (internal, mTLS, c=${CONCURRENCY})`, READS, CONCURRENCY, async (i) => {
      const res = await internal('GET', '/v1/cards', { authorization: `Bearer ${tokens[i % users.length]}` });
      return res.status === 200;
    });

    console.log(`\ncards (${WRITES} writes, ${READS} reads; ~${(WRITES / users.length).toFixed(0)} cards per user)`);
    console.log(`${'ESDK encrypt floor (0x0478, raw AES, 1 core)'.padEnd(44)} ${(1000 / floorMs).toFixed(0).padStart(7)}/s   ${floorMs.toFixed(3)} ms each`);
    console.log(formatResult(writes));
    console.log(formatResult(reads));
    console.log(`ratio: card writes/s ÷ encrypt floor/s = ${(writes.perSecond / (1000 / floorMs)).toFixed(3)}`);
    if (writes.errors || reads.errors) throw new Error('benchmark requests failed');
  } finally {
    await vault.stop();
  }
}
