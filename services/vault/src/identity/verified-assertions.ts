/**
 * Assertions whose signature and claims were verified, kept until they stop being valid: a user's assertion is
 * reused for every call of a page view, and an ES256 verification was ~14 % of a card listing's CPU. Only
 * successes are kept; an entry is never served after `validUntil` (the earlier of `exp` and `iat` + the maximum
 * age, plus the clock tolerance jose applied); at most `capacity` entries, the oldest dropped first. The verifier's
 * keys are fixed for the process's life, so no entry can outlive the key that verified it.
 */
export class VerifiedAssertions<V> {
  readonly #entries = new Map<string, { readonly value: V; readonly validUntilMs: number }>();
  constructor(private readonly capacity = 10_000) {}

  get(token: string, nowMs: number): V | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    if (nowMs >= entry.validUntilMs) {
      this.#entries.delete(token);
      return undefined;
    }
    return entry.value;
  }

  set(token: string, value: V, validUntilMs: number): void {
    if (this.#entries.size >= this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(token, { value, validUntilMs });
  }
}
