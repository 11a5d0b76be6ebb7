import { z } from 'zod';
import { SCOPES } from '../identity/scopes.ts';

/**
 * Every environment variable the vault reads, in one schema. README.md "Configuration" lists the same table;
 * `test/unit/config.test.ts` checks that the two agree.
 */
/** A listener port; 0 lets the OS choose a free one (printed at start-up): tests and tools that run beside anything. */
const listenerPort = z.coerce.number().int().min(0).max(65_535);
const portOrOff = z.coerce.number().int().min(0).max(65_535);
const version = z.string().regex(/^v[1-9][0-9]{0,5}$/, 'expected a key version such as v1');
const file = z.string().min(1);
const RATE_LIMITS = /^[1-9][0-9]*\/[1-9][0-9]*(,[1-9][0-9]*\/[1-9][0-9]*)*$/;
/** A Redis key namespace: short, and nothing Redis Cluster reads as a hash tag (`{`, `}`) or the vault as a separator. */
export const REDIS_KEY_PREFIX = /^[A-Za-z0-9_-]{0,32}$/;

export const envSchema = z.object({
  VAULT_MODE: z.enum(['dev', 'production']).default('dev'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgresql:// URL')
    .optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  VAULT_DEV_DATA_DIR: z.string().min(1).default('.vault-dev/pgdata'),

  VAULT_INTERNAL_HOST: z.string().min(1).optional(),
  VAULT_INTERNAL_PORT: listenerPort.default(8443),
  VAULT_PUBLIC_HOST: z.string().min(1).optional(),
  VAULT_PUBLIC_PORT: listenerPort.default(8444),
  VAULT_PROBE_PORT: portOrOff.default(9464),
  VAULT_GRPC_PORT: listenerPort.default(8445),
  VAULT_PUBLIC_BASE_URL: z.url({ protocol: /^https$/ }).optional(),

  VAULT_TLS_CERT_FILE: file.optional(),
  VAULT_TLS_KEY_FILE: file.optional(),
  VAULT_TLS_CLIENT_CA_FILE: file.optional(),
  VAULT_PUBLIC_TLS_CERT_FILE: file.optional(),
  VAULT_PUBLIC_TLS_KEY_FILE: file.optional(),

  VAULT_SPIFFE_TRUST_DOMAIN: z.string().regex(/^[a-z0-9.-]+$/).default('vault.internal'),
  VAULT_SERVICE_SCOPES: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string().min(1), z.array(z.enum(SCOPES))))
    .optional(),

  VAULT_ASSERTION_ISSUER: z.string().min(1).optional(),
  VAULT_ASSERTION_AUDIENCE: z.string().min(1).optional(),
  VAULT_ASSERTION_JWKS_FILE: file.optional(),

  VAULT_KEYRING: z.enum(['raw', 'kms']).optional(),
  VAULT_RAW_KEYS_DIR: file.optional(),
  VAULT_KMS_KEY_ARNS: z
    .string()
    .regex(
      /^v[1-9][0-9]*=arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[A-Za-z0-9-]+(,v[1-9][0-9]*=arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[A-Za-z0-9-]+)*$/,
      'expected v1=<full KMS key ARN>,v2=<ARN>,…',
    )
    .optional(),
  VAULT_KEY_CURRENT: version.optional(),
  // KMS calls (VAULT_KEYRING=kms): each attempt's deadline, the deadline of one call with its retries, the attempts.
  VAULT_KMS_ATTEMPT_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(400),
  VAULT_KMS_CALL_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(900),
  VAULT_KMS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  // How long start-up waits for an unreachable KMS (retrying with backoff) before it exits 69.
  VAULT_KMS_STARTUP_WAIT_SECONDS: z.coerce.number().int().min(0).max(3_600).default(60),
  VAULT_FINGERPRINT_KEYS_DIR: file.optional(),
  VAULT_FINGERPRINT_KEY_CURRENT: version.optional(),

  VAULT_CARD_FORM_ORIGINS: z
    .string()
    .regex(/^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(,https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?)*$/, 'expected a comma-separated list of origins (scheme://host[:port])')
    .optional(),
  VAULT_REDIS_URL: z.string().regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL').optional(),
  VAULT_REDIS_CA_FILE: file.optional(),
  VAULT_REDIS_MODE: z.enum(['standalone', 'cluster']).default('standalone'),
  // Prefix of every Redis key (`<prefix>:vault:…`); unset: the deployment id kept in the database; empty: no prefix.
  VAULT_REDIS_KEY_PREFIX: z.string().regex(REDIS_KEY_PREFIX, 'expected at most 32 letters, digits, _ or - (or empty: no prefix)').optional(),
  VAULT_TOKEN_TTL_SECONDS: z.coerce.number().int().min(1).max(900).default(300),
  // How long after a redeem its processor may repeat it with the same redemptionId and get the same JWE (0: never).
  VAULT_REDEEM_RETRY_SECONDS: z.coerce.number().int().min(0).max(300).default(60),
  VAULT_MAX_AMOUNT: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).default(10_000_000),
  VAULT_DIRECT_CVC_CALLERS: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._/-]{0,127}(,[a-z0-9][a-z0-9._/-]{0,127})*$/, 'expected a comma-separated list of service names')
    .optional(),
  VAULT_PARTNERS: z.string().regex(/^[a-z0-9-]{1,32}(,[a-z0-9-]{1,32})*$/, 'expected a comma-separated list of partner ids').default('xero,freshbooks'),
  VAULT_RATE_LIMIT_CARD: z.string().regex(/^[1-9][0-9]*\/[1-9][0-9]*$/, 'expected <count>/<seconds>').default('5/600'),
  VAULT_RATE_LIMIT_USER: z.string().regex(/^[1-9][0-9]*\/[1-9][0-9]*$/, 'expected <count>/<seconds>').default('20/600'),
  VAULT_RATE_LIMIT_CARD_NUMBER: z
    .string()
    .regex(RATE_LIMITS, 'expected <count>/<seconds>[,<count>/<seconds>…]')
    .refine((v) => v.split(',').length <= 8, 'at most 8 windows (one Redis script counts them all)')
    .refine((v) => new Set(v.split(',').map((w) => w.split('/')[1])).size === v.split(',').length, 'each window length at most once')
    .default('5/600,20/86400'),
  VAULT_FAILED_SECRETS_PER_SOURCE: z.string().regex(/^[1-9][0-9]*\/[1-9][0-9]*$/, 'expected <count>/<seconds>').default('20/60'),
  VAULT_FAILED_SECRETS_GLOBAL: z.string().regex(/^[1-9][0-9]*\/[1-9][0-9]*$/, 'expected <count>/<seconds>').default('300/60'),
  VAULT_MAX_LIVE_CARD_SESSIONS: z.coerce.number().int().min(1).max(1_000).default(10),
  VAULT_MAX_CARDS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(50),
  VAULT_ASSERTION_REQUIRE_AZP: z.enum(['true', 'false']).optional(),
  VAULT_MISSING_GROUP_POLICY: z.enum(['refuse', 'allow']).default('refuse'),
  VAULT_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  VAULT_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  VAULT_KEEPALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(5_000),
  VAULT_IDLE_SOCKET_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  VAULT_TLS_HANDSHAKE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  VAULT_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(2_000),
  VAULT_CARD_SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(900).default(900),
  VAULT_PAYMENT_SESSION_TTL_SECONDS: z.coerce.number().int().min(60).max(900).default(600),
  VAULT_MAX_LIVE_PAYMENT_SESSIONS: z.coerce.number().int().min(1).max(1_000).default(10),
  VAULT_AUDIT_CHAINS: z.coerce.number().int().min(1).max(64).default(8),
  VAULT_RETENTION_EXPIRED_CARD_DAYS: z.coerce.number().int().min(1).max(3_650).default(180),
  VAULT_RETENTION_SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  VAULT_EXPORT_APPROVAL_SECONDS: z.coerce.number().int().min(60).max(604_800).default(86_400),
  VAULT_ADMIN_TENANT: z.string().regex(/^[A-Za-z0-9._:@-]{1,128}$/, 'expected a tenant id').optional(),
  VAULT_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  VAULT_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
});

export type VaultEnv = z.infer<typeof envSchema>;
export const ENV_VARIABLES = Object.keys(envSchema.shape) as ReadonlyArray<keyof VaultEnv>;
