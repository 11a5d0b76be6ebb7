import { mintDevAssertion } from '../../services/vault/src/dev/dev-assertion.ts';

export interface BenchUser {
  readonly sub: string;
  readonly tid: string;
}

/** Assertions live 300 s at most: re-minted (untimed, between phases) once they are older than this. */
const REFRESH_AFTER_MS = 120_000;

/**
 * The benchmark's users and their `Authorization: Bearer …` values. Call `refresh()` before each timed phase:
 * a long run outlives one assertion.
 */
export class BenchUsers {
  readonly users: readonly BenchUser[];
  #bearers: string[] = [];
  #mintedAt = 0;

  constructor(prefix: string, count: number, tenant: string) {
    const salt = Date.now();
    this.users = Array.from({ length: count }, (_, i) => ({ sub: `${prefix}-u${i}-${salt}`, tid: tenant }));
  }

  async refresh(): Promise<void> {
    if (Date.now() - this.#mintedAt < REFRESH_AFTER_MS) return;
    this.#mintedAt = Date.now();
    this.#bearers = await Promise.all(this.users.map(async (u) => `Bearer ${await mintDevAssertion(u)}`));
  }

  bearer(user: number): string {
    return this.#bearers[user % this.users.length]!;
  }
}
