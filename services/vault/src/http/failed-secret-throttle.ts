import type { NextFunction, Request, Response } from 'express';
import type { AuditStore } from '../audit/audit-store.ts';
import type { RateLimit } from '../config/vault-config.ts';
import { ClientError } from '../errors/vault-error.ts';
import type { Logger } from '../observability/logger.ts';
import { clientSource } from './client-source.ts';
import { state } from './request-context.ts';
import { FixedWindowCounts } from './fixed-window-counts.ts';

export interface FailedSecretSettings {
  readonly perSource: RateLimit;
  readonly global: RateLimit;
  /** Distinct sources tracked per window; beyond it they share one bucket (memory and audit stay bounded). */
  readonly maxSources?: number;
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
 * secrets were refused too often in the current window (or the listener as a whole) gets 429 with
 * `Retry-After` before any database work; refusals are audited as one event when a source first fails in a
 * window and one summary with its counts when that window closes — at most two rows per source per window,
 * for at most `maxSources` + 1 sources. In memory, per vault process: no Redis or PostgreSQL write for a
 * refused stranger, and it keeps working when they are down (with N replicas the bound is N times).
 */
export class FailedSecretThrottle {
  private readonly perSource: FixedWindowCounts;
  private readonly global: FixedWindowCounts;
  private readonly maxSources: number;
  private windows = new Map<string, SourceWindow>();
  private windowIndex: number;
  private readonly timer: NodeJS.Timeout;
  private readonly writes = new Set<Promise<void>>();

  constructor(
    private readonly settings: FailedSecretSettings,
    private readonly audit: AuditStore,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.maxSources = settings.maxSources ?? 10_000;
    this.perSource = new FixedWindowCounts(settings.perSource.windowSeconds * 1000, this.maxSources);
    this.global = new FixedWindowCounts(settings.global.windowSeconds * 1000, 1);
    this.windowIndex = this.auditWindow();
    this.timer = setInterval(() => this.rollAuditWindow(), Math.min(settings.perSource.windowSeconds * 1000, 60_000));
    this.timer.unref();
  }

  /** Express middleware for the public listener: refuse a throttled source, count a refused secret. */
  readonly gate = (req: Request, res: Response, next: NextFunction): void => {
    const source = clientSource(req.socket.remoteAddress);
    const requestId = state(res).requestId;
    const wait = this.retryAfter(source);
    if (wait > 0) {
      this.note(source, requestId, 'throttled');
      return next(new ClientError('rate_limited', [], wait));
    }
    res.once('finish', () => {
      if (res.statusCode === 401) this.recordFailure(source, requestId);
    });
    next();
  };

  /** Seconds until `source` may try again, or 0. */
  retryAfter(source: string): number {
    const t = this.now();
    if (this.perSource.get(source, t) >= this.settings.perSource.limit) return this.perSource.secondsLeft(t);
    if (this.global.get('all', t) >= this.settings.global.limit) return this.global.secondsLeft(t);
    return 0;
  }

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
    const key = this.windows.has(source) || this.windows.size < this.maxSources ? source : 'other';
    let w = this.windows.get(key);
    if (!w) {
      w = { firstRequestId: requestId, refused: 0, throttled: 0 };
      this.windows.set(key, w);
      this.write(key, requestId, 'unauthenticated');
    }
    w[kind]++;
  }

  private rollAuditWindow(): void {
    const index = this.auditWindow();
    if (index === this.windowIndex) return;
    this.flush();
    this.windowIndex = index;
  }

  private flush(): void {
    const windowSeconds = this.settings.perSource.windowSeconds;
    for (const [source, w] of this.windows) {
      if (w.refused + w.throttled > 1) {
        this.write(source, w.firstRequestId, `unauthenticated;refused=${w.refused};throttled=${w.throttled};window=${windowSeconds}s`);
      }
    }
    this.windows = new Map();
  }

  private write(source: string, requestId: string, reason: string): void {
    const write = this.audit
      .append({ action: 'card_session.secret_refused', outcome: 'denied', actorService: ACTOR, requestId, target: `source:${source}`, reason })
      .catch((err: unknown) => this.logger.warn({ err }, 'could not audit refused card-session secrets'))
      .finally(() => this.writes.delete(write));
    this.writes.add(write);
  }
}
