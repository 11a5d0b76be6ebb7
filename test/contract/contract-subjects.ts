import { randomBytes, randomUUID } from 'node:crypto';
import type { AuditOutcome } from '../../services/vault/src/audit/audit-event.ts';
import type { NewBillingProfile } from '../../services/vault/src/billing-profiles/billing-profile-repository.ts';
import type { NewCardSession } from '../../services/vault/src/card-sessions/card-session-repository.ts';
import type { NewCard } from '../../services/vault/src/cards/card-repository.ts';
import type { RateLimiter } from '../../services/vault/src/payment-tokens/rate-limiter.ts';
import type { TokenStore } from '../../services/vault/src/payment-tokens/token-store.ts';
import type { VaultUnitOfWork } from '../../services/vault/src/wiring/repositories.ts';
import type { Owner } from '../../services/vault/src/identity/actor.ts';

/** An audit event as an auditor reads it back. */
export interface ReadAuditEvent {
  readonly action: string;
  readonly outcome: AuditOutcome;
  readonly actorService: string;
  readonly tenantId: string | null;
  readonly userId: string | null;
  readonly target: string | null;
  readonly reason: string | null;
}

/** What the repository contracts run against: a unit of work, and a way to read the audit log back. */
export interface DatabaseSubject {
  readonly uow: VaultUnitOfWork;
  auditEvents(requestId: string): Promise<ReadAuditEvent[]>;
  /** Contract cases (by test name) this subject cannot run, each with why: skipped with that note, for it alone. */
  readonly cannotRun?: Readonly<Record<string, string>>;
}

/** What the Redis-port contracts run against: the three stores on one Redis, and its clock. */
export interface RedisSubject {
  readonly tokens: TokenStore;
  readonly rateLimiter: RateLimiter;
  /** The stores' clock, in milliseconds since the epoch. */
  now(): number;
  /** Lets `ms` pass for the stores: the fake's clock moves; with real Redis the test waits. */
  elapse(ms: number): Promise<void>;
}

/** A subject is made in the file's `beforeAll`; suites read it when a test runs. */
export type Subject<S> = () => S;

// Every id is random, so runs and files sharing the test database and Redis never see each other's rows.
export const hex = (bytes = 6) => randomBytes(bytes).toString('hex');
export const newId = (prefix: string) => `${prefix}${randomBytes(16).toString('base64url')}`;
export const newRequestId = () => randomUUID();

export function newOwner(tenantId = `t-${hex()}`): Owner {
  return { tenantId, userId: `u-${hex()}` };
}

export function newCard(owner: Owner, overrides: Partial<NewCard> = {}): NewCard {
  return {
    id: newId('card_'),
    ...owner,
    billingProfileId: null,
    brand: 'visa',
    bin: '424242',
    last4: '4242',
    expMonth: 12,
    expYear: 2040,
    cardholderName: 'Ada Lovelace',
    fingerprint: `fp_${hex(16)}`,
    fingerprintKeyVersion: 'v1',
    ciphertext: new Uint8Array(randomBytes(24)),
    keyVersion: 'v1',
    ...overrides,
  };
}

export function newProfile(owner: Owner): NewBillingProfile {
  return { id: newId('bp_'), ...owner, ciphertext: new Uint8Array(randomBytes(24)), keyVersion: 'v1' };
}

export function newSession(owner: Owner, expiresAt: Date, groupId: string | null = null): NewCardSession {
  return { id: newId('cs_'), secretHash: hex(32), ...owner, groupId, billingProfileId: null, createdBy: 'account-settings', expiresAt };
}

/** Whole milliseconds: what a `timestamptz(3)` column keeps. */
export const at = (ms: number) => new Date(Math.floor(ms));
