import { randomBytes } from 'node:crypto';
import https from 'node:https';
import { buildVault, type Vault } from '../../services/vault/src/wiring/build-vault.ts';
import { loadConfig } from '../../services/vault/src/config/load-config.ts';
import type { VaultConfig } from '../../services/vault/src/config/vault-config.ts';
import { mintDevAssertion, type AssertionClaims } from '../../services/vault/src/dev/dev-assertion.ts';
import { listenInternal, listenPublic, type Listening } from '../../services/vault/src/http/listeners.ts';
import { listenGrpc } from '../../services/vault/src/grpc/grpc-server.ts';
import { createLogger } from '../../services/vault/src/observability/logger.ts';
import { openDatabase, type Database } from '../../services/vault/src/storage/database.ts';
import { openRedis, type Redis } from '../../services/vault/src/storage/redis.ts';
import { redisKeyPrefix, redisNamespace } from '../../services/vault/src/storage/redis-namespace.ts';
import { sqlOn } from '../../services/vault/src/storage/sql.ts';
import { clientCert, request, type HttpResult, type RequestOptions } from './https-client.ts';
import { TEST_DATABASE_URL } from './test-database.ts';
import { TEST_REDIS_URL } from './test-redis.ts';

export interface TestVault {
  readonly config: VaultConfig;
  readonly vault: Vault;
  readonly database: Database;
  /** The vault's own Redis client: every key it is given is read and written under `redisKeyPrefix`. */
  readonly redis: Redis;
  /** What the vault puts in front of each of its Redis keys (`<deployment id>:` unless the test set one). */
  readonly redisKeyPrefix: string;
  /**
   * A client on the same Redis without the prefix, for tests that read keys as the server stores them (a SCAN of
   * every key, whoever wrote it): the keys a SCAN returns are whole, and the vault's client would prefix them again.
   */
  serverRedis(): Promise<Redis>;
  readonly internalUrl: string;
  readonly publicUrl: string;
  /** `localhost:<port>` of the gRPC listener (same mutual TLS as the internal one). */
  readonly grpcTarget: string;
  /** Every log line the vault wrote, as JSON text. */
  readonly logs: string[];
  /** A request to the internal listener as `service` (example client certificate), for `user` if given. */
  internal(path: string, options?: RequestOptions & { as?: string; user?: AssertionClaims | string }): Promise<HttpResult>;
  /** A request to the public listener (no client certificate). */
  public(path: string, options?: RequestOptions): Promise<HttpResult>;
  /** Re-reads both listeners' certificates (what SIGHUP does in the vault process). */
  reloadTls(): void;
  /** A card-entry session secret for `user`, made by the account-settings backend. */
  cardSession(user: AssertionClaims, body?: unknown): Promise<string>;
  /** Adds a card for `user` the way the hosted form does. */
  addCard(user: AssertionClaims, card: Record<string, unknown>): Promise<HttpResult>;
  close(): Promise<void>;
}

/** The SPIFFE service name of an example client certificate file (`processor-xero-payments` → `processor/xero-payments`). */
export function serviceOf(certificateFile: string): string {
  return certificateFile.startsWith('processor-') ? `processor/${certificateFile.slice('processor-'.length)}` : certificateFile;
}

/** A user in a tenant of its own, so suites sharing the database never see each other's rows. */
export function newUser(tenant?: string, group?: string): AssertionClaims {
  const tid = tenant ?? `t-${randomBytes(5).toString('hex')}`;
  return { sub: `u-${randomBytes(5).toString('hex')}`, tid, ...(group ? { gid: group } : {}) };
}

export const FUTURE_YEAR = new Date().getUTCFullYear() + 3;

export function visa(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { number: '4242424242424242', expMonth: 12, expYear: FUTURE_YEAR, cardholderName: 'Ada Lovelace', ...overrides };
}

/**
 * Signed user assertions, reused for a minute (they live 300 s): signing one per request made the suite pay an
 * ES256 signature and a key import for every call. A test that needs a particular assertion passes its own.
 */
class AssertionCache {
  private readonly minted = new Map<string, { token: string; at: number }>();
  async for(claims: AssertionClaims): Promise<string> {
    const key = JSON.stringify([claims.sub, claims.tid, claims.gid ?? null, claims.azp ?? null]);
    const hit = this.minted.get(key);
    if (hit && Date.now() - hit.at < 60_000) return hit.token;
    const token = await mintDevAssertion(claims);
    this.minted.set(key, { token, at: Date.now() });
    return token;
  }
}

/** The vault built by its own composition root, on the run's PostgreSQL and Redis, listening on ephemeral ports. */
export async function startTestVault(options: { env?: Record<string, string>; now?: () => Date } = {}): Promise<TestVault> {
  const config = loadConfig({
    DATABASE_URL: TEST_DATABASE_URL,
    VAULT_REDIS_URL: TEST_REDIS_URL,
    VAULT_INTERNAL_PORT: '0',
    VAULT_PUBLIC_PORT: '0',
    VAULT_PROBE_PORT: '0',
    VAULT_GRPC_PORT: '0',
    VAULT_LOG_LEVEL: 'info',
    // The suite's files run in parallel on one Redis and reuse a few test PANs (4242…): a vault-wide per-number
    // limit would make them throttle each other. Tests of that limit set it, with PANs of their own.
    VAULT_RATE_LIMIT_CARD_NUMBER: '1000000/60',
    // The suites drive the direct issue (the code in payment-flow's request) to test the issue path itself: given
    // here explicitly, as an operator would for a PCI-scoped caller. The default (none) is tested with ''.
    VAULT_DIRECT_CVC_CALLERS: 'payment-flow',
    ...options.env,
  });
  const logs: string[] = [];
  const logger = createLogger(config.log.level, { write: (line: string) => void logs.push(line) });
  const database = openDatabase({ url: config.database.url!, poolMax: 5 });
  // As start-up does: the namespace of the database (this run's, or the test's own) unless the test sets one.
  const keyPrefix = redisKeyPrefix(await redisNamespace(config.redis.keyPrefix, sqlOn(database.pool)));
  const redis = openRedis(config.redis.url, { caFile: config.redis.caFile, mode: config.redis.mode, keyPrefix });
  let unprefixed: Promise<Redis> | undefined;
  const serverRedis = () =>
    (unprefixed ??= (async () => {
      const client = openRedis(config.redis.url, { caFile: config.redis.caFile, mode: config.redis.mode });
      // The client queues nothing while connecting (it fails closed): wait until it is ready.
      if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
      return client;
    })());
  let publicUrl = '';
  const vault = buildVault({ config, database, redis, logger, boundPublicBaseUrl: () => publicUrl, ...(options.now ? { now: options.now } : {}) });
  const listeners: Listening[] = [
    await listenInternal(vault.internalApp, config.tls, '127.0.0.1', 0, config.connections),
    await listenPublic(vault.publicApp, config.tls, '127.0.0.1', 0, config.connections),
  ];
  const grpc = await listenGrpc(vault.grpcHandlers, config.tls, '127.0.0.1', 0, vault.ready, config.connections);
  const internalUrl = `https://localhost:${listeners[0]!.port}`;
  publicUrl = `https://localhost:${listeners[1]!.port}`;

  // One keep-alive agent per test vault: a test's requests reuse their TLS connections (per client certificate)
  // instead of a full mutual-TLS handshake each. Tests about connections pass an agent (or none) of their own.
  // Idle sockets go at 4 s, before the vault closes them at 5 s (VAULT_KEEPALIVE_TIMEOUT_MS): a request sent on a
  // socket the vault is closing at that moment fails with ECONNRESET, answered by nobody (seen in the fault suite
  // as a redeem with no answer, and in the failover test as a switch-off with none).
  const agent = new https.Agent({ keepAlive: true, maxSockets: 16, scheduling: 'lifo', timeout: 4_000 });
  const assertions = new AssertionCache();
  const internal: TestVault['internal'] = async (path, opts = {}) => {
    const headers = { ...opts.headers };
    // As an identity provider would: the assertion is bound (azp) to the service that presents it.
    if (opts.user) headers['authorization'] ??= `Bearer ${typeof opts.user === 'string' ? opts.user : await assertions.for({ azp: serviceOf(opts.as ?? 'account-settings'), ...opts.user })}`;
    return request(internalUrl, path, {
      agent,
      ...opts,
      headers,
      identity: opts.identity === null ? null : (opts.identity ?? clientCert(opts.as ?? 'account-settings')),
    });
  };
  const cardSession = async (user: AssertionClaims, body: unknown = {}) => {
    const res = await internal('/v1/card-sessions', { user, body });
    if (res.status !== 201) throw new Error(`card session: ${res.status} ${res.text}`);
    return res.json.clientSecret as string;
  };
  return {
    config,
    vault,
    database,
    redis,
    redisKeyPrefix: keyPrefix,
    serverRedis,
    internalUrl,
    publicUrl,
    grpcTarget: `localhost:${grpc.port}`,
    logs,
    internal,
    public: (path, opts = {}) => request(publicUrl, path, { agent, ...opts }),
    reloadTls: () => listeners.forEach((l) => l.reloadTls()),
    cardSession,
    async addCard(user, card) {
      const secret = await cardSession(user);
      return request(publicUrl, '/v1/cards', { agent, body: card, headers: { authorization: `CardSession ${secret}` } });
    },
    async close() {
      agent.destroy();
      await grpc.close();
      await Promise.all(listeners.map((l) => l.close()));
      await vault.failedSecrets.stop();
      redis.disconnect();
      if (unprefixed) (await unprefixed).disconnect();
      await database.close();
    },
  };
}
