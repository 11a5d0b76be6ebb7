/**
 * A clock the test moves by hand. The in-memory fakes and the services built on them read this one clock, so
 * expiries (tokens, card-entry sessions, rate windows, idempotency records) are tested without sleeping.
 */
export class FakeClock {
  #ms: number;

  constructor(start: Date | number = Date.now()) {
    this.#ms = typeof start === 'number' ? start : start.getTime();
  }

  /** The current instant (a fresh Date each time; pass `clock.now` wherever a `() => Date` is wanted). */
  readonly now = (): Date => new Date(this.#ms);

  nowMs(): number {
    return this.#ms;
  }

  advance(ms: number): void {
    /* Precondition: time never runs backwards (Redis and PostgreSQL never see it do so either). */
    if (ms < 0) throw new Error('a clock only moves forward');
    this.#ms += ms;
  }

  advanceSeconds(seconds: number): void {
    this.advance(seconds * 1000);
  }
}
