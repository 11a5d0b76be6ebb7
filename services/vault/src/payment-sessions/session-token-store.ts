import type { Envelope, EncryptionContext } from '../crypto/envelope.ts';
import type { Owner } from '../identity/actor.ts';
import { withinDeadline, type Redis } from '../storage/redis.ts';

/** Where a confirmed session's payment token waits for the payment flow: a string store with expiry (Redis). */
export interface ExpiringStrings {
  /** Sets `key` until the instant `expiresAtMs`. */
  put(key: string, value: string, expiresAtMs: number): Promise<void>;
  get(key: string): Promise<string | null>;
}

/**
 * A confirmed payment session's token, kept for `GET /v1/payment-sessions/{id}` only as long as the token lives,
 * and only ESDK-encrypted under the vault's envelope, bound by encryption context to the session and its owner
 * (a ciphertext copied to another session's key does not open). Redis rather than the session's row: it expires
 * with the token by itself, never reaches a database backup, and needs no key rotation (it lives ≤ 15 minutes).
 */
export class SessionTokenStore {
  constructor(
    private readonly strings: ExpiringStrings,
    private readonly envelope: Envelope,
    private readonly keyOf: (sessionId: string) => string,
  ) {}

  private static context(sessionId: string, owner: Owner): EncryptionContext {
    return { purpose: 'payment-session-token', record: sessionId, tenant: owner.tenantId, owner: owner.userId };
  }

  async save(sessionId: string, owner: Owner, token: string, expiresAt: Date): Promise<void> {
    const sealed = await this.envelope.encrypt(Buffer.from(token, 'utf8'), SessionTokenStore.context(sessionId, owner));
    await this.strings.put(this.keyOf(sessionId), Buffer.from(sealed.ciphertext).toString('base64'), expiresAt.getTime());
  }

  /** The token, or null once it has expired (or was never saved). */
  async find(sessionId: string, owner: Owner): Promise<string | null> {
    const stored = await this.strings.get(this.keyOf(sessionId));
    if (!stored) return null;
    const plaintext = await this.envelope.decrypt(Buffer.from(stored, 'base64'), SessionTokenStore.context(sessionId, owner));
    return Buffer.from(plaintext).toString('utf8');
  }
}

/** `ExpiringStrings` on Redis (one key per session, `PXAT` the token's expiry). */
export class RedisExpiringStrings implements ExpiringStrings {
  constructor(private readonly redis: Redis) {}

  async put(key: string, value: string, expiresAtMs: number): Promise<void> {
    await withinDeadline(this.redis.set(key, value, 'PXAT', expiresAtMs));
  }

  get(key: string): Promise<string | null> {
    return withinDeadline(this.redis.get(key));
  }
}
