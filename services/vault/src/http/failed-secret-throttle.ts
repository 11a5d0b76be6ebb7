import type { NextFunction, Request, Response } from 'express';
import type { AuditStore } from '../audit/audit-store.ts';
import type { RateLimit } from '../config/vault-config.ts';
import { ClientError } from '../errors/vault-error.ts';
import type { Logger } from '../observability/logger.ts';
import { clientSource } from './client-source.ts';
import { FixedWindowCounts } from './fixed-window-counts.ts';
import { state } from './request-context.ts';

export interface FailedSecretSettings {
  readonly perSource: RateLimit;
  readonly global: RateLimit;
  /** Distinct sources counted per window; beyond it they share one bucket (memory stays bounded). */
  readonly maxSources?: number;
  /** Sources audited by name per window; the rest go into one aggregate event. */
  readonly auditedSources?: number;
}

interface SourceWindow {
  readonly firstRequestId: string;
  refused: number;
  throttled: number;
}

/** The actor recorded for the public listener's anonymous callers. */
const ACTOR = 'card-form';

/**
 * Anonymous callers of the public listener create no durable state at will. A source whose card-session
 * secrets were refused `perSource.limit` times in the current window gets 429 with `Retry-After` before any
 * database work; once the listener as a whole has seen `global.limit` refusals, so does every source that has
 * failed at all in the window (one that has not is still served: a flood cannot switch the card form off for
 * everyone). Refusals are counted where they are decided (`recordFailure`), whether or not the caller waits
 * for the answer.
 *
 * Audit: one event when one of the first `auditedSources` sources first fails in a window, and when the window
 * ends one summary per such source (with its counts) plus one aggregate for all other sources — at most
 * 2 × auditedSources + 1 rows per window, however many sources. In memory, per vault process: no Redis or
 * PostgreSQL write for a refused stranger, and it works while they are down (with N replicas, N× the bounds).
 */
export class FailedSecretThrottle {
  private readonly perSource: FixedWindowCounts;
  private readonly global: FixedWindowCounts;
  private readonly auditedSources: number;
  private audited = new Map<string, SourceWindow>();
  private others: { sources: Set<string>; refused: number; throttled: number; firstRequestId: string | null } = FailedSecretThrottle.noOthers();
  private windowIndex: number;
  private readonly timer: NodeJS.Timeout;
  private readonly writes = new Set<Promise<void>>();

  constructor(
    private readonly settings: FailedSecretSettings,
    private readonly audit: AuditStore,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.perSource = new FixedWindowCounts(settings.perSource.windowSeconds * 1000, settings.maxSources ?? 10_000);
    this.global = new FixedWindowCounts(settings.global.windowSeconds * 1000, 1);
    this.auditedSources = settings.auditedSources ?? 20;
    this.windowIndex = this.auditWindow();
    this.timer = setInterval(() => this.rollAuditWindow(), Math.min(settings.perSource.windowSeconds * 1000, 60_000));
    this.timer.unref();
  }

  private static noOthers() {
    return { sources: new Set<string>(), refused: 0, throttled: 0, firstRequestId: null };
  }

  /** Express middleware for the public listener: a throttled source is refused before any other work. */
  readonly gate = (req: Request, res: Response, next: NextFunction): void => {
    const source = clientSource(req.socket.remoteAddress);
    const wait = this.retryAfter(source);
    if (wait > 0) {
      this.note(source, state(res).requestId, 'throttled');
      return next(new ClientError('rate_limited', [], wait));
    }
    next();
  };

  /** Seconds until `source` may try again, or 0. */
  retryAfter(source: string): number {
    const t = this.now();
    const failures = this.perSource.get(source, t);
    if (failures >= this.settings.perSource.limit) return this.perSource.secondsLeft(t);
    if (failures > 0 && this.global.get('all', t) >= this.settings.global.limit) return this.global.secondsLeft(t);
    return 0;
  }

  /** A card-session secret from `source` was refused. */
  recordFailure(source: string, requestId: string): void {
    const t = this.now();
    this.perSource.add(source, t);
    this.global.add('all', t);
    this.note(source, requestId, 'refused');
  }

  /** Writes the summaries of the current window (at shutdown), stops the timer, and waits for the writes. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.flush();
    await Promise.all([...this.writes]);
  }

  private auditWindow(): number {
    return Math.floor(this.now() / (this.settings.perSource.windowSeconds * 1000));
  }

  private note(source: string, requestId: string, kind: 'refused' | 'throttled'): void {
    this.rollAuditWindow();
    let w = this.audited.get(source);
    if (!w && this.audited.size < this.auditedSources) {
      w = { firstRequestId: requestId, refused: 0, throttled: 0 };
      this.audited.set(source, w);
      this.write(`source:${source}`, requestId, 'unauthenticated');
    }
    if (w) {
      w[kind]++;
      return;
    }
    if (this.others.sources.size < 100_000) this.others.sources.add(source);
    this.others[kind]++;
    this.others.firstRequestId ??= requestId;
  }

  private rollAuditWindow(): void {
    const index = this.auditWindow();
    if (index === this.windowIndex) return;
    this.flush();
    this.windowIndex = index;
  }

  private flush(): void {
    const window = `window=${this.settings.perSource.windowSeconds}s`;
    for (const [source, w] of this.audited) {
      if (w.refused + w.throttled > 1) this.write(`source:${source}`, w.firstRequestId, `unauthenticated;refused=${w.refused};throttled=${w.throttled};${window}`);
    }
    const o = this.others;
    if (o.firstRequestId) this.write('source:other', o.firstRequestId, `unauthenticated;sources=${o.sources.size};refused=${o.refused};throttled=${o.throttled};${window}`);
    this.audited = new Map();
    this.others = FailedSecretThrottle.noOthers();
  }

  private write(target: string, requestId: string, reason: string): void {
    const write = this.audit
      .append({ action: 'card_session.secret_refused', outcome: 'denied', actorService: ACTOR, requestId, target, reason })
      .catch((err: unknown) => this.logger.warn({ err }, 'could not audit refused card-session secrets'))
      .finally(() => this.writes.delete(write));
    this.writes.add(write);
  }
}
