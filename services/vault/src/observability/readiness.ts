import type { Envelope } from '../crypto/envelope.ts';

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, 'ok' | 'failing'>>;
}

export interface ReadinessDeps {
  readonly pingDatabase: () => Promise<void>;
  readonly pingRedis: () => Promise<void>;
  readonly envelope: Envelope;
  /** A keyring round-trip that worked is trusted this long (probes need not call KMS on every hit), unless a
   *  request meets a keyring outage meanwhile: then the next probe checks again. */
  readonly keyringCacheMs?: number;
}

/** Readiness: PostgreSQL and Redis answer, and the keyring can encrypt and decrypt (each check bounded to 2 s). */
export function readinessCheck(deps: ReadinessDeps): () => Promise<ReadinessReport> {
  let keyringOkAt = 0;
  const context = { purpose: 'readiness-probe' };
  const probe = new Uint8Array([1, 2, 3, 4]);
  const bounded = (work: Promise<unknown>) =>
    Promise.race([work, new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000).unref())]);
  async function keyring(): Promise<void> {
    const trusted = Date.now() < keyringOkAt + (deps.keyringCacheMs ?? 10_000) && (deps.envelope.lastOutageAt ?? 0) < keyringOkAt;
    if (trusted) return;
    const startedAt = Date.now();
    const sealed = await deps.envelope.encrypt(probe, context);
    await deps.envelope.decrypt(sealed.ciphertext, context);
    keyringOkAt = startedAt;
  }
  return async () => {
    const [postgres, redis, keys] = await Promise.allSettled([bounded(deps.pingDatabase()), bounded(deps.pingRedis()), bounded(keyring())]);
    const checks = {
      postgres: postgres.status === 'fulfilled' ? 'ok' : 'failing',
      redis: redis.status === 'fulfilled' ? 'ok' : 'failing',
      keyring: keys.status === 'fulfilled' ? 'ok' : 'failing',
    } as const;
    return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
  };
}
