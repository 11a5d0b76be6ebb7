/**
 * Counts per key in fixed windows of `windowMs`, in memory; all counts reset when a window ends. At most
 * `maxKeys` keys per window: further keys share the bucket `*`, so memory stays bounded under a flood of
 * distinct keys (and that bucket fills, and throttles, first).
 */
export class FixedWindowCounts {
  private window = -1;
  private counts = new Map<string, number>();
  constructor(
    private readonly windowMs: number,
    private readonly maxKeys: number,
  ) {}

  get(key: string, now: number): number {
    this.roll(now);
    return this.counts.get(this.slot(key)) ?? 0;
  }

  add(key: string, now: number): void {
    this.roll(now);
    const slot = this.slot(key);
    this.counts.set(slot, (this.counts.get(slot) ?? 0) + 1);
  }

  /** Whole seconds until the current window ends (at least 1). */
  secondsLeft(now: number): number {
    return Math.max(1, Math.ceil(((this.window + 1) * this.windowMs - now) / 1000));
  }

  private slot(key: string): string {
    return this.counts.has(key) || this.counts.size < this.maxKeys ? key : '*';
  }

  private roll(now: number): void {
    const w = Math.floor(now / this.windowMs);
    if (w !== this.window) {
      this.window = w;
      this.counts = new Map();
    }
  }
}
