import type { FakeClock } from './fake-clock.ts';

interface Entry {
  readonly value: string;
  /** Milliseconds since the epoch; null: no expiry. */
  readonly expiresAt: number | null;
}

/**
 * The little of Redis the vault's stores use: string values with an optional expiry, read against one
 * injectable clock. As in Redis, a key is gone once the clock is past its expiry instant, INCR keeps a key's
 * expiry, and TTL answers whole seconds rounded to the nearest. The token store, rate limiter and revocation
 * epochs share one instance, as they share one Redis: a redeem sees an epoch bump exactly as the Lua script does.
 * Every method runs to completion synchronously, which is what makes each fake's multi-key step atomic, like
 * a Lua script.
 */
export class InMemoryRedis {
  readonly #entries = new Map<string, Entry>();

  constructor(readonly clock: FakeClock) {}

  get(key: string): string | null {
    return this.live(key)?.value ?? null;
  }

  /** SET with PXAT `expiresAt` (null: none) and optionally NX; whether it was set. An instant already past deletes the key. */
  set(key: string, value: string, options: { readonly expiresAt: number | null; readonly nx?: boolean }): boolean {
    if (options.nx && this.live(key)) return false;
    if (options.expiresAt !== null && options.expiresAt <= this.clock.nowMs()) this.#entries.delete(key);
    else this.#entries.set(key, { value, expiresAt: options.expiresAt });
    return true;
  }

  del(key: string): boolean {
    const existed = this.live(key) !== undefined;
    this.#entries.delete(key);
    return existed;
  }

  incr(key: string): number {
    const entry = this.live(key);
    const n = Number(entry?.value ?? '0') + 1;
    if (!Number.isSafeInteger(n)) throw new Error('ERR value is not an integer or out of range');
    this.#entries.set(key, { value: String(n), expiresAt: entry?.expiresAt ?? null });
    return n;
  }

  /** Milliseconds to live; -2 for no key, -1 for a key without expiry. */
  pttl(key: string): number {
    const entry = this.live(key);
    if (!entry) return -2;
    return entry.expiresAt === null ? -1 : Math.max(0, entry.expiresAt - this.clock.nowMs());
  }

  /** Seconds to live, rounded as Redis rounds them; -2 / -1 as for `pttl`. */
  ttl(key: string): number {
    const ms = this.pttl(key);
    return ms < 0 ? ms : Math.floor((ms + 500) / 1000);
  }

  pexpire(key: string, ms: number): boolean {
    const entry = this.live(key);
    if (!entry) return false;
    this.#entries.set(key, { value: entry.value, expiresAt: this.clock.nowMs() + ms });
    return true;
  }

  /** Every live key (for tests that look at what is stored). */
  keys(): string[] {
    return [...this.#entries.keys()].filter((k) => this.live(k));
  }

  private live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt !== null && this.clock.nowMs() > entry.expiresAt) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
