import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '../../services/vault/src/config/env-schema.ts';
import { ConfigError, loadConfig } from '../../services/vault/src/config/load-config.ts';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';

const PROD = {
  VAULT_MODE: 'production',
  DATABASE_URL: 'postgresql://vault@db.internal:5432/vault?sslmode=verify-full',
  VAULT_TLS_CERT_FILE: '/etc/vault/tls/vault.pem',
  VAULT_TLS_KEY_FILE: '/etc/vault/tls/vault-key.pem',
  VAULT_TLS_CLIENT_CA_FILE: '/etc/vault/tls/internal-ca.pem',
  VAULT_PUBLIC_BASE_URL: 'https://cards.example.com',
  VAULT_ASSERTION_ISSUER: 'https://id.example.com',
  VAULT_ASSERTION_AUDIENCE: 'payment-vault',
  VAULT_ASSERTION_JWKS_FILE: '/etc/vault/identity/jwks.json',
  VAULT_KEYRING: 'kms',
  VAULT_KMS_KEY_ARNS: 'v1=arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  VAULT_KEY_CURRENT: 'v1',
  VAULT_FINGERPRINT_KEYS_DIR: '/etc/vault/keys/fingerprint',
  VAULT_FINGERPRINT_KEY_CURRENT: 'v1',
  VAULT_REDIS_URL: 'rediss://redis.internal:6380',
  VAULT_CARD_FORM_ORIGINS: 'https://settings.example.com,https://mail.example.com',
};

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('with nothing set, runs in dev mode on keys-example and an embedded database', () => {
    const config = loadConfig({});
    expect(config.mode).toBe('dev');
    expect(config.database.url).toBeNull();
    expect(config.tls.certFile).toContain('keys-example');
    expect(config.listeners.internal).toEqual({ host: '127.0.0.1', port: 8443 });
    expect(config.listeners.public).toEqual({ host: '127.0.0.1', port: 8444 });
    expect(Object.isFrozen(config) && Object.isFrozen(config.keys.wrapping)).toBe(true);
  });

  it('accepts a complete production config', () => {
    const config = loadConfig(PROD);
    expect(config.mode).toBe('production');
    expect(config.keys.wrapping).toEqual({
      kind: 'kms',
      current: 'v1',
      arns: { v1: PROD.VAULT_KMS_KEY_ARNS.slice(3) },
      calls: { attemptTimeoutMs: 400, callTimeoutMs: 900, maxAttempts: 3 },
      startupWaitSeconds: 60,
    });
  });

  it('names the invalid variable in one line, without its value', () => {
    const err = configError({ VAULT_INTERNAL_PORT: '99999' });
    expect(err.message).toMatch(/^invalid configuration: VAULT_INTERNAL_PORT: /);
    expect(err.message).not.toContain('99999');
    expect(err.message.split('\n')).toHaveLength(1);
    expect(configError({ DATABASE_URL: 'mysql://x' }).variable).toBe('DATABASE_URL');
    expect(configError({ VAULT_KEYRNG: 'kms' }).variable).toBe('VAULT_KEYRNG');
    expect(configError({ VAULT_SERVICE_SCOPES: '{"admin":["cards:steal"]}' }).variable).toBe('VAULT_SERVICE_SCOPES');
    expect(configError({ VAULT_CARD_SESSION_TTL_SECONDS: '3600' }).variable).toBe('VAULT_CARD_SESSION_TTL_SECONDS');
  });

  it('production refuses every keys-example path', () => {
    for (const [name, value] of [
      ['VAULT_TLS_CERT_FILE', 'keys-example/tls/vault.pem'],
      ['VAULT_TLS_KEY_FILE', `${REPO_ROOT}/keys-example/tls/vault-key.pem`],
      ['VAULT_ASSERTION_JWKS_FILE', './keys-example/identity/issuer-public.jwks.json'],
      ['VAULT_FINGERPRINT_KEYS_DIR', '/srv/app/keys-example/kek'],
    ] as const) {
      const err = configError({ ...PROD, [name]: value });
      expect(err.variable).toBe(name);
      expect(err.message).toContain('keys-example');
    }
    expect(configError({ ...PROD, VAULT_KEYRING: 'raw', VAULT_KMS_KEY_ARNS: '', VAULT_RAW_KEYS_DIR: 'keys-example/kek' }).variable).toBe('VAULT_RAW_KEYS_DIR');
  });

  it('production refuses plaintext or unverified connections to PostgreSQL and Redis', () => {
    for (const url of ['postgresql://vault@db:5432/vault', 'postgresql://vault@db:5432/vault?sslmode=disable', 'postgresql://vault@db:5432/vault?sslmode=require']) {
      const err = configError({ ...PROD, DATABASE_URL: url });
      expect(err.variable).toBe('DATABASE_URL');
      expect(err.message).toContain('sslmode=verify-full');
    }
    expect(configError({ ...PROD, VAULT_REDIS_URL: 'redis://redis.internal:6379' }).message).toMatch(/^invalid configuration: VAULT_REDIS_URL: production mode requires rediss:\/\//);
    // Dev mode may use plaintext on loopback.
    expect(loadConfig({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/x', VAULT_REDIS_URL: 'redis://127.0.0.1:6379' }).redis.url).toBe('redis://127.0.0.1:6379');
  });

  it('production refuses every dev default', () => {
    for (const name of Object.keys(PROD).filter((k) => k !== 'VAULT_MODE')) {
      const env: Record<string, string> = { ...PROD };
      delete env[name];
      const err = configError(env);
      expect(err.variable, name).toBe(name);
    }
  });

  it('reports every missing or invalid variable in one run, one line each', () => {
    const env: Record<string, string> = { ...PROD, VAULT_INTERNAL_PORT: '99999', VAULT_TYPO: 'x' };
    delete env['VAULT_TLS_CERT_FILE'];
    delete env['VAULT_ASSERTION_ISSUER'];
    const err = configError(env);
    expect(err.problems.map((p) => p.variable).sort()).toEqual(['VAULT_ASSERTION_ISSUER', 'VAULT_INTERNAL_PORT', 'VAULT_TLS_CERT_FILE', 'VAULT_TYPO']);
    expect(err.message.split('\n')).toHaveLength(4);
    for (const line of err.message.split('\n')) expect(line).toMatch(/^invalid configuration: VAULT_[A-Z_]+: /);
    expect(err.message).not.toContain('99999');
  });

  it('VAULT_DIRECT_CVC_CALLERS: none by default in dev and production; a list of service names; anything else refused', () => {
    expect(loadConfig({}).payments.directCvcCallers).toEqual([]);
    expect(loadConfig(PROD).payments.directCvcCallers).toEqual([]);
    expect(loadConfig({ VAULT_DIRECT_CVC_CALLERS: '' }).payments.directCvcCallers).toEqual([]);
    expect(loadConfig({ VAULT_DIRECT_CVC_CALLERS: 'payment-flow' }).payments.directCvcCallers).toEqual(['payment-flow']);
    expect(loadConfig({ ...PROD, VAULT_DIRECT_CVC_CALLERS: 'pci-payments,card-terminal' }).payments.directCvcCallers).toEqual(['pci-payments', 'card-terminal']);
    for (const bad of ['payment-flow,', ',payment-flow', 'payment flow', '*', 'Payment-Flow', 'payment-flow;admin']) {
      const err = configError({ VAULT_DIRECT_CVC_CALLERS: bad });
      expect(err.variable, bad).toBe('VAULT_DIRECT_CVC_CALLERS');
      expect(err.message).not.toContain(bad);
    }
  });

  it('unsigned invoices (the direct issue\'s) are accepted in dev only', () => {
    expect(loadConfig({}).payments.unsignedInvoices).toBe(true);
    expect(loadConfig(PROD).payments.unsignedInvoices).toBe(false);
    expect(loadConfig({ ...PROD, VAULT_DIRECT_CVC_CALLERS: 'payment-flow' }).payments.unsignedInvoices).toBe(false);
  });

  it('VAULT_REDIS_KEY_PREFIX: unset is the database\'s deployment id (null), empty is no prefix, else a short name', () => {
    expect(loadConfig({}).redis.keyPrefix).toBeNull();
    expect(loadConfig(PROD).redis.keyPrefix).toBeNull();
    // Empty is a value here (the unprefixed layout of vaults from before namespacing), not "unset" as elsewhere.
    expect(loadConfig({ VAULT_REDIS_KEY_PREFIX: '' }).redis.keyPrefix).toBe('');
    expect(loadConfig({ ...PROD, VAULT_REDIS_KEY_PREFIX: '' }).redis.keyPrefix).toBe('');
    for (const good of ['acme', 'eu-west-1_prod', 'A', 'x'.repeat(32)]) expect(loadConfig({ VAULT_REDIS_KEY_PREFIX: good }).redis.keyPrefix).toBe(good);
    // A `:` could make one namespace the start of another; braces would move keys into another Cluster slot.
    for (const bad of ['acme:eu', '{acme}', 'acme eu', 'x'.repeat(33), 'vault*', 'ünïcode', ' ']) {
      const err = configError({ VAULT_REDIS_KEY_PREFIX: bad });
      expect(err.variable, bad).toBe('VAULT_REDIS_KEY_PREFIX');
      expect(err.message.split('\n')).toHaveLength(1);
    }
  });

  it('the README configuration table lists exactly the variables the schema reads', () => {
    const readme = readFileSync(`${REPO_ROOT}/README.md`, 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'));
    const documented = [...table.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...ENV_VARIABLES].sort());
  });
});
