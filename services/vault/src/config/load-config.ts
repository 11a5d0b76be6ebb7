import { statSync } from 'node:fs';
import path from 'node:path';
import { envSchema, type VaultEnv } from './env-schema.ts';
import { isInKeysExample, keysExample, REPO_ROOT } from './repo-paths.ts';
import type { KeySource, RateLimit, VaultConfig } from './vault-config.ts';
import { DEFAULT_SERVICE_SCOPES } from '../identity/scopes.ts';

export interface ConfigProblem {
  readonly variable: string;
  readonly reason: string;
}

/**
 * Invalid configuration: one line per bad variable, each naming it and never including its value. Every
 * problem of one environment is reported at once, so an operator fixes them in one pass. `variable`: the first.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly variable: string;
  readonly problems: readonly ConfigProblem[];
  constructor(problems: ConfigProblem | readonly ConfigProblem[]) {
    const list = Array.isArray(problems) ? (problems as readonly ConfigProblem[]) : [problems as ConfigProblem];
    super(list.map((p) => `invalid configuration: ${p.variable}: ${p.reason}`).join('\n'));
    this.variable = list[0]!.variable;
    this.problems = list;
  }
}

const DEV = {
  issuer: 'https://identity.example.test',
  audience: 'payment-vault',
  jwksFile: keysExample('identity', 'issuer-public.jwks.json'),
  certFile: keysExample('tls', 'vault.pem'),
  keyFile: keysExample('tls', 'vault-key.pem'),
  clientCaFile: keysExample('tls', 'ca.pem'),
  rawKeysDir: keysExample('kek'),
  keyCurrent: 'v1',
  fingerprintKeysDir: keysExample('kek'),
  fingerprintCurrent: 'v1',
} as const;

/** Parses the environment once into a frozen config. Throws one ConfigError listing every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): VaultConfig {
  const problems: ConfigProblem[] = [];
  const fail = (variable: string, reason: string): void => {
    if (!problems.some((p) => p.variable === variable)) problems.push({ variable, reason });
  };
  /* Precondition: a misspelt variable would silently fall back to a default. */
  for (const key of Object.keys(env)) {
    if (key.startsWith('VAULT_') && !(key in envSchema.shape)) fail(key, 'unknown variable (see the README configuration table)');
  }
  const given = pickVaultVariables(env);
  let parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    // Report each invalid variable, then go on without them (as if unset) to find every other problem too.
    for (const issue of parsed.error.issues) fail(String(issue.path[0] ?? 'environment'), issue.message);
    const invalid = new Set(parsed.error.issues.map((i) => String(i.path[0])));
    parsed = envSchema.safeParse(Object.fromEntries(Object.entries(given).filter(([k]) => !invalid.has(k))));
    if (!parsed.success) throw new ConfigError(problems);
  }
  const e = parsed.data;
  const production = e.VAULT_MODE === 'production';
  /** In production a setting must be given; in dev it falls back to the keys-example default. */
  const need = <K extends keyof VaultEnv>(name: K, devDefault: NonNullable<VaultEnv[K]>): NonNullable<VaultEnv[K]> => {
    const value = e[name];
    if (value !== undefined) return value as NonNullable<VaultEnv[K]>;
    if (production) fail(name, 'required in production mode (no dev default applies)');
    return devDefault;
  };
  const keyFile = (name: keyof VaultEnv, value: string): string => {
    /* Precondition: production never runs on the published example keys and certificates. */
    if (production && isInKeysExample(value)) fail(name, 'refers to keys-example/, which production mode refuses');
    return path.resolve(REPO_ROOT, value);
  };

  if (production && !e.DATABASE_URL) fail('DATABASE_URL', 'required in production mode (no embedded database)');
  /* Precondition: in production card ciphertexts and tokens never cross the network in clear, nor to an unverified server. */
  else if (production && new URL(e.DATABASE_URL!).searchParams.get('sslmode') !== 'verify-full') {
    fail('DATABASE_URL', 'production mode requires sslmode=verify-full (TLS with a verified server)');
  }
  if (production && e.VAULT_REDIS_URL && !e.VAULT_REDIS_URL.startsWith('rediss://')) {
    fail('VAULT_REDIS_URL', 'production mode requires rediss:// (TLS)');
  }

  /* Precondition: Node refuses a header deadline later than the whole request's. */
  if (e.VAULT_HEADERS_TIMEOUT_MS > e.VAULT_REQUEST_TIMEOUT_MS) fail('VAULT_HEADERS_TIMEOUT_MS', 'must not exceed VAULT_REQUEST_TIMEOUT_MS');
  const certFile = keyFile('VAULT_TLS_CERT_FILE', need('VAULT_TLS_CERT_FILE', DEV.certFile));
  const keyFilePath = keyFile('VAULT_TLS_KEY_FILE', need('VAULT_TLS_KEY_FILE', DEV.keyFile));
  const loopback = production ? '0.0.0.0' : '127.0.0.1';
  const publicPort = e.VAULT_PUBLIC_PORT;

  const config: VaultConfig = {
    mode: e.VAULT_MODE,
    database: {
      url: e.DATABASE_URL ?? null,
      poolMax: e.DATABASE_POOL_MAX,
      devDataDir: path.resolve(REPO_ROOT, e.VAULT_DEV_DATA_DIR),
    },
    listeners: {
      internal: { host: e.VAULT_INTERNAL_HOST ?? loopback, port: e.VAULT_INTERNAL_PORT },
      public: { host: e.VAULT_PUBLIC_HOST ?? loopback, port: publicPort },
      probe: e.VAULT_PROBE_PORT === 0 ? null : { host: '127.0.0.1', port: e.VAULT_PROBE_PORT },
      grpc: { host: e.VAULT_INTERNAL_HOST ?? loopback, port: e.VAULT_GRPC_PORT },
      // With VAULT_PUBLIC_PORT=0 the origin is known only once the listener is bound (null until then).
      publicBaseUrl: publicPort === 0 && !e.VAULT_PUBLIC_BASE_URL && !production ? null : need('VAULT_PUBLIC_BASE_URL', `https://localhost:${publicPort}`).replace(/\/+$/, ''),
    },
    tls: {
      certFile,
      keyFile: keyFilePath,
      clientCaFile: keyFile('VAULT_TLS_CLIENT_CA_FILE', need('VAULT_TLS_CLIENT_CA_FILE', DEV.clientCaFile)),
      publicCertFile: e.VAULT_PUBLIC_TLS_CERT_FILE ? keyFile('VAULT_PUBLIC_TLS_CERT_FILE', e.VAULT_PUBLIC_TLS_CERT_FILE) : certFile,
      publicKeyFile: e.VAULT_PUBLIC_TLS_KEY_FILE ? keyFile('VAULT_PUBLIC_TLS_KEY_FILE', e.VAULT_PUBLIC_TLS_KEY_FILE) : keyFilePath,
    },
    identity: {
      trustDomain: e.VAULT_SPIFFE_TRUST_DOMAIN,
      serviceScopes: e.VAULT_SERVICE_SCOPES ?? DEFAULT_SERVICE_SCOPES,
      assertion: {
        issuer: need('VAULT_ASSERTION_ISSUER', DEV.issuer),
        audience: need('VAULT_ASSERTION_AUDIENCE', DEV.audience),
        jwksFile: keyFile('VAULT_ASSERTION_JWKS_FILE', need('VAULT_ASSERTION_JWKS_FILE', DEV.jwksFile)),
        maxLifetimeSeconds: 300,
        /* Precondition: in production an assertion must say which service the user acts through (azp). */
        requireAzp: e.VAULT_ASSERTION_REQUIRE_AZP ? e.VAULT_ASSERTION_REQUIRE_AZP === 'true' : production,
      },
      missingGroup: e.VAULT_MISSING_GROUP_POLICY,
    },
    keys: {
      wrapping: wrappingKeys(e, need, keyFile, fail),
      fingerprint: {
        dir: keyFile('VAULT_FINGERPRINT_KEYS_DIR', need('VAULT_FINGERPRINT_KEYS_DIR', DEV.fingerprintKeysDir)),
        current: need('VAULT_FINGERPRINT_KEY_CURRENT', DEV.fingerprintCurrent),
      },
    },
    cardSessions: {
      ttlSeconds: e.VAULT_CARD_SESSION_TTL_SECONDS,
      maxLivePerUser: e.VAULT_MAX_LIVE_CARD_SESSIONS,
      failedSecrets: { perSource: rateLimit(e.VAULT_FAILED_SECRETS_PER_SOURCE), global: rateLimit(e.VAULT_FAILED_SECRETS_GLOBAL) },
    },
    paymentSessions: { ttlSeconds: e.VAULT_PAYMENT_SESSION_TTL_SECONDS, maxLivePerUser: e.VAULT_MAX_LIVE_PAYMENT_SESSIONS },
    cards: { maxPerUser: e.VAULT_MAX_CARDS_PER_USER },
    connections: {
      headersTimeoutMs: e.VAULT_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.VAULT_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.VAULT_KEEPALIVE_TIMEOUT_MS,
      idleSocketTimeoutMs: e.VAULT_IDLE_SOCKET_TIMEOUT_MS,
      tlsHandshakeTimeoutMs: e.VAULT_TLS_HANDSHAKE_TIMEOUT_MS,
      maxConnections: e.VAULT_MAX_CONNECTIONS,
    },
    cardForm: { embeddingOrigins: need('VAULT_CARD_FORM_ORIGINS', 'http://localhost:8090').split(',') },
    redis: {
      url: need('VAULT_REDIS_URL', 'redis://127.0.0.1:6379'),
      caFile: e.VAULT_REDIS_CA_FILE ? keyFile('VAULT_REDIS_CA_FILE', e.VAULT_REDIS_CA_FILE) : null,
      mode: e.VAULT_REDIS_MODE,
      keyPrefix: e.VAULT_REDIS_KEY_PREFIX ?? null,
    },
    payments: {
      tokenTtlSeconds: e.VAULT_TOKEN_TTL_SECONDS,
      redeemRetrySeconds: e.VAULT_REDEEM_RETRY_SECONDS,
      maxAmount: e.VAULT_MAX_AMOUNT,
      partners: e.VAULT_PARTNERS.split(','),
      // The direct issue takes the security code through its caller: only named (PCI-scoped) services may use it.
      directCvcCallers: e.VAULT_DIRECT_CVC_CALLERS ? e.VAULT_DIRECT_CVC_CALLERS.split(',') : [],
      /* Precondition: in production a token binds only an invoice its partner signed (payment sessions). */
      unsignedInvoices: !production,
      rateLimits: {
        perCard: rateLimit(e.VAULT_RATE_LIMIT_CARD),
        perUser: rateLimit(e.VAULT_RATE_LIMIT_USER),
        perCardNumber: e.VAULT_RATE_LIMIT_CARD_NUMBER.split(',').map(rateLimit),
      },
    },
    audit: { chains: e.VAULT_AUDIT_CHAINS },
    retention: { expiredCardDays: e.VAULT_RETENTION_EXPIRED_CARD_DAYS, sessionDays: e.VAULT_RETENTION_SESSION_DAYS },
    // The tenant of the identity provider whose users are the vault's admins (their assertions' `tid`); unset in
    // production, no one may request or approve a card export (fail closed); in dev, `ops`.
    exports: { approvalSeconds: e.VAULT_EXPORT_APPROVAL_SECONDS, adminTenant: e.VAULT_ADMIN_TENANT ?? (production ? null : 'ops') },
    log: { level: e.VAULT_LOG_LEVEL },
    workers: e.VAULT_WORKERS,
  };
  if (problems.length) throw new ConfigError(problems);
  return deepFreeze(config);
}

function wrappingKeys(
  e: VaultEnv,
  need: <K extends keyof VaultEnv>(name: K, devDefault: NonNullable<VaultEnv[K]>) => NonNullable<VaultEnv[K]>,
  keyFile: (name: keyof VaultEnv, value: string) => string,
  fail: (variable: string, reason: string) => void,
): KeySource {
  const kind = need('VAULT_KEYRING', 'raw');
  const current = need('VAULT_KEY_CURRENT', DEV.keyCurrent);
  if (kind === 'kms') {
    if (!e.VAULT_KMS_KEY_ARNS) fail('VAULT_KMS_KEY_ARNS', 'required when VAULT_KEYRING=kms');
    const arns = Object.fromEntries((e.VAULT_KMS_KEY_ARNS ?? '').split(',').filter(Boolean).map((pair) => pair.split('=', 2) as [string, string]));
    if (e.VAULT_KMS_KEY_ARNS && !(current in arns)) fail('VAULT_KEY_CURRENT', 'names no key in VAULT_KMS_KEY_ARNS');
    if (e.VAULT_KMS_ATTEMPT_TIMEOUT_MS > e.VAULT_KMS_CALL_TIMEOUT_MS) fail('VAULT_KMS_ATTEMPT_TIMEOUT_MS', 'longer than VAULT_KMS_CALL_TIMEOUT_MS');
    return {
      kind: 'kms',
      arns,
      current,
      calls: { attemptTimeoutMs: e.VAULT_KMS_ATTEMPT_TIMEOUT_MS, callTimeoutMs: e.VAULT_KMS_CALL_TIMEOUT_MS, maxAttempts: e.VAULT_KMS_MAX_ATTEMPTS },
      startupWaitSeconds: e.VAULT_KMS_STARTUP_WAIT_SECONDS,
    };
  }
  if (e.VAULT_KMS_KEY_ARNS) fail('VAULT_KMS_KEY_ARNS', 'set, but VAULT_KEYRING is not kms');
  return { kind: 'raw', dir: keyFile('VAULT_RAW_KEYS_DIR', need('VAULT_RAW_KEYS_DIR', DEV.rawKeysDir)), current };
}

function rateLimit(text: string): RateLimit {
  const [limit, windowSeconds] = text.split('/').map(Number) as [number, number];
  return { limit, windowSeconds };
}

/** Variables whose empty value means something other than unset. */
const EMPTY_IS_A_VALUE: ReadonlySet<string> = new Set(['VAULT_REDIS_KEY_PREFIX']);

/** Only the variables the schema knows: a typo such as VAULT_KEYRNG is caught by its absence, not passed on. */
function pickVaultVariables(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    // Empty is unset, except where empty is a value of its own: VAULT_REDIS_KEY_PREFIX= asks for no prefix.
    if (value !== undefined && (value !== '' || EMPTY_IS_A_VALUE.has(key))) out[key] = value;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Every file and folder the config names exists (and the raw key folders hold the current keys), so a typo is a
 * configuration error naming its variable, not a stack trace from deep inside start-up.
 */
export function assertConfiguredFilesExist(config: VaultConfig): void {
  const problems: ConfigProblem[] = [];
  const must = (variable: string, file: string | null, kind: 'file' | 'folder') => {
    if (file === null) return;
    let ok = false;
    try {
      ok = kind === 'file' ? statSync(file).isFile() : statSync(file).isDirectory();
    } catch {
      ok = false;
    }
    if (!ok && !problems.some((p) => p.variable === variable)) problems.push({ variable, reason: `no such ${kind}: ${path.basename(file)}` });
  };
  must('VAULT_TLS_CERT_FILE', config.tls.certFile, 'file');
  must('VAULT_TLS_KEY_FILE', config.tls.keyFile, 'file');
  must('VAULT_TLS_CLIENT_CA_FILE', config.tls.clientCaFile, 'file');
  must('VAULT_PUBLIC_TLS_CERT_FILE', config.tls.publicCertFile, 'file');
  must('VAULT_PUBLIC_TLS_KEY_FILE', config.tls.publicKeyFile, 'file');
  must('VAULT_ASSERTION_JWKS_FILE', config.identity.assertion.jwksFile, 'file');
  must('VAULT_REDIS_CA_FILE', config.redis.caFile, 'file');
  const wrapping = config.keys.wrapping;
  if (wrapping.kind === 'raw') {
    must('VAULT_RAW_KEYS_DIR', wrapping.dir, 'folder');
    must('VAULT_RAW_KEYS_DIR', path.join(wrapping.dir, `${wrapping.current}.key`), 'file');
  }
  must('VAULT_FINGERPRINT_KEYS_DIR', config.keys.fingerprint.dir, 'folder');
  must('VAULT_FINGERPRINT_KEYS_DIR', path.join(config.keys.fingerprint.dir, `fingerprint-${config.keys.fingerprint.current}.key`), 'file');
  if (problems.length) throw new ConfigError(problems);
}

/** For command-line entry points: the config, or one line per bad variable and exit with `status`. */
export function loadConfigOrExit(status: number, env: Readonly<Record<string, string | undefined>> = process.env): VaultConfig {
  try {
    const config = loadConfig(env);
    assertConfiguredFilesExist(config);
    return config;
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : 'invalid configuration');
    process.exit(status);
  }
}
