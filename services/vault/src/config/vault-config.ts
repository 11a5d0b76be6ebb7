import type { ServiceScopes } from '../identity/scopes.ts';

export type VaultMode = 'dev' | 'production';

export type KeySource =
  | { readonly kind: 'raw'; readonly dir: string; readonly current: string }
  | {
      readonly kind: 'kms';
      readonly arns: Readonly<Record<string, string>>;
      readonly current: string;
      readonly calls: KmsCallLimits;
      /** How long start-up retries an unreachable KMS before it gives up (exit 69). */
      readonly startupWaitSeconds: number;
    };

/** Deadlines and retries of one KMS call, so a hanging or throttling KMS costs a bounded time (503, not a wait). */
export interface KmsCallLimits {
  /** One attempt (connect, send, answer) is abandoned after this long. */
  readonly attemptTimeoutMs: number;
  /** The call, its retries and the pauses between them, end by this long. */
  readonly callTimeoutMs: number;
  /** Attempts in all (1 = no retry); a retry follows only an outage (throttled, unreachable, timed out, 5xx). */
  readonly maxAttempts: number;
}

/** The vault's configuration: parsed and validated once at start-up, then frozen. */
export interface VaultConfig {
  readonly mode: VaultMode;
  readonly database: {
    /** null in dev mode without DATABASE_URL: the embedded PGlite database is used. */
    readonly url: string | null;
    readonly poolMax: number;
    readonly devDataDir: string;
  };
  readonly listeners: {
    readonly internal: { readonly host: string; readonly port: number };
    readonly public: { readonly host: string; readonly port: number };
    /** Plain HTTP on loopback for liveness/readiness probes and metrics; null when off. */
    readonly probe: { readonly host: '127.0.0.1'; readonly port: number } | null;
    /** `vault.v1.Vault` over gRPC, on the internal listener's host, with its mutual TLS. */
    readonly grpc: { readonly host: string; readonly port: number };
    /** Origin of the public listener for `formUrl`; null: `https://localhost:<the port the OS chose>`. */
    readonly publicBaseUrl: string | null;
  };
  readonly tls: {
    readonly certFile: string;
    readonly keyFile: string;
    readonly clientCaFile: string;
    readonly publicCertFile: string;
    readonly publicKeyFile: string;
  };
  readonly identity: {
    readonly trustDomain: string;
    readonly serviceScopes: ServiceScopes;
    readonly assertion: {
      readonly issuer: string;
      readonly audience: string;
      readonly jwksFile: string;
      readonly maxLifetimeSeconds: number;
      /** Whether an assertion must carry `azp` (it is always checked when present). */
      readonly requireAzp: boolean;
    };
    /** An assertion without `gid`: `refuse` payments where the tenant has group settings, or `allow`. */
    readonly missingGroup: 'refuse' | 'allow';
  };
  readonly keys: {
    readonly wrapping: KeySource;
    /** Folder of `fingerprint-vN.key` files; `current` fingerprints new cards, older ones still match. */
    readonly fingerprint: { readonly dir: string; readonly current: string };
  };
  readonly cardSessions: {
    readonly ttlSeconds: number;
    /** Live (unused, unexpired) card-entry sessions one user may hold. */
    readonly maxLivePerUser: number;
    /** Refused card-session secrets allowed per client address and in all, per window, before 429. */
    readonly failedSecrets: { readonly perSource: RateLimit; readonly global: RateLimit };
  };
  /** Payment sessions (the pay form): lifetime, and live (open, unexpired) sessions one user may hold. */
  readonly paymentSessions: { readonly ttlSeconds: number; readonly maxLivePerUser: number };
  readonly cards: { readonly maxPerUser: number };
  /** Socket hygiene for both listeners. */
  readonly connections: ConnectionLimits;
  /** Origins that may embed the hosted card form and hand it a session secret. */
  readonly cardForm: { readonly embeddingOrigins: readonly string[] };
  /** `caFile`: the CA that signs the Redis server's certificate, for rediss:// (else the system CAs). */
  /** `mode`: one server (or a primary with replicas behind one address), or Redis Cluster (`url` names a seed node). */
  /**
   * `keyPrefix`: the namespace of every key the vault writes (VAULT_REDIS_KEY_PREFIX); null: the deployment id kept
   * in the database (storage/redis-namespace.ts), so vaults on one database share keys and vaults on two never do;
   * '': no prefix, the key layout from before namespacing.
   */
  readonly redis: { readonly url: string; readonly caFile: string | null; readonly mode: 'standalone' | 'cluster'; readonly keyPrefix: string | null };
  readonly payments: {
    readonly tokenTtlSeconds: number;
    /** How long a redeem may be repeated with its redemption id for the same JWE (never past the token's expiry); 0: never. */
    readonly redeemRetrySeconds: number;
    readonly maxAmount: number;
    readonly partners: readonly string[];
    /** Services that may issue a token directly with the security code in their request (`POST /v1/payment-tokens`). */
    readonly directCvcCallers: readonly string[];
    /** Whether the direct issue may bind an unsigned JSON invoice: dev only; production takes signed invoices alone. */
    readonly unsignedInvoices: boolean;
    readonly rateLimits: { readonly perCard: RateLimit; readonly perUser: RateLimit; readonly perCardNumber: readonly RateLimit[] };
  };
  readonly audit: { readonly chains: number };
  /** What `npm run retention:purge` deletes: cards this many days past their expiry month, sessions this long past their end. */
  readonly retention: { readonly expiredCardDays: number; readonly sessionDays: number };
  /** How long a card export request waits for a second admin's approval before it expires. */
  readonly exports: { readonly approvalSeconds: number; readonly adminTenant: string | null };
  readonly log: { readonly level: string };
  /** Processes serving the listeners (node:cluster); the embedded dev database allows only one. */
  readonly workers: number;
}

/** At most `limit` events per `windowSeconds`. */
export interface RateLimit {
  readonly limit: number;
  readonly windowSeconds: number;
}

export interface ConnectionLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  /** A socket with no traffic for this long is closed, whatever state it is in. */
  readonly idleSocketTimeoutMs: number;
  readonly tlsHandshakeTimeoutMs: number;
  /** Open connections per listener; more are closed at once. */
  readonly maxConnections: number;
}
