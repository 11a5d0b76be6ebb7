import { statement, type Sql } from '../storage/sql.ts';

/**
 * Revocation by epoch: every token records, when issued, the epoch of its tenant, its group, its user, its card and
 * its processor. Bumping an epoch (switching payments off, deleting a card, disabling a processor or removing one
 * of its keys, erasing a user) makes every token issued before unredeemable in one write; a redeem compares the
 * epochs its token recorded with the current ones, in the redeem's own transaction.
 *
 * The epochs live in PostgreSQL (`revocation_epochs`), and a bump is written in the transaction of the change
 * that revokes: both commit or neither. They used to live in Redis, whose replication is asynchronous — a replica
 * promoted after its master died could lack a bump the master had acknowledged to the admin, and a revoked token
 * redeemed (issue 25). A row is never deleted while a token that recorded it may live: reading a missing row as
 * "0" is only right for a scope never bumped.
 */
export type EpochScope =
  | { readonly kind: 'tenant'; readonly tenantId: string }
  | { readonly kind: 'group'; readonly tenantId: string; readonly groupId: string }
  | { readonly kind: 'user'; readonly tenantId: string; readonly userId: string }
  | { readonly kind: 'card'; readonly tenantId: string; readonly userId: string; readonly cardId: string }
  | { readonly kind: 'processor'; readonly processorId: string };

/** A scope as one text: JSON of its kind and ids, so no two scopes meet by concatenation (group `a:b` of `T`, group `b` of `T:a`). */
export function epochKey(scope: EpochScope): string {
  switch (scope.kind) {
    case 'tenant':
      return JSON.stringify(['tenant', scope.tenantId]);
    case 'group':
      return JSON.stringify(['group', scope.tenantId, scope.groupId]);
    case 'user':
      return JSON.stringify(['user', scope.tenantId, scope.userId]);
    case 'card':
      return JSON.stringify(['card', scope.tenantId, scope.userId, scope.cardId]);
    case 'processor':
      return JSON.stringify(['processor', scope.processorId]);
  }
}

export interface RevocationEpochRepository {
  /** Moves the scope's epoch up by one; in the transaction of the change it records. */
  bump(scope: EpochScope): Promise<void>;
  /** Current epochs, keyed by `epochKey` ("0" for a scope never bumped). */
  read(scopes: readonly EpochScope[]): Promise<Record<string, string>>;
  /** Current epochs of scopes given by key (what a token recorded). */
  readKeys(keys: readonly string[]): Promise<Record<string, string>>;
}

/** Whether any epoch a token recorded has moved since. */
export function epochsMoved(recorded: Readonly<Record<string, string>>, current: Readonly<Record<string, string>>): boolean {
  return Object.entries(recorded).some(([key, epoch]) => (current[key] ?? '0') !== epoch);
}

const BUMP = statement(
  'revocation_epochs_bump',
  `INSERT INTO "revocation_epochs" ("scope", "epoch") VALUES ($1, 1)
   ON CONFLICT ("scope") DO UPDATE SET "epoch" = "revocation_epochs"."epoch" + 1, "bumped_at" = CURRENT_TIMESTAMP`,
);
const READ = statement('revocation_epochs_read', `SELECT "scope", "epoch"::text AS "epoch" FROM "revocation_epochs" WHERE "scope" = ANY($1::text[])`);

export class SqlRevocationEpochRepository implements RevocationEpochRepository {
  constructor(private readonly sql: Sql) {}

  async bump(scope: EpochScope): Promise<void> {
    await this.sql.count(BUMP, [epochKey(scope)]);
  }

  read(scopes: readonly EpochScope[]): Promise<Record<string, string>> {
    return this.readKeys(scopes.map(epochKey));
  }

  async readKeys(keys: readonly string[]): Promise<Record<string, string>> {
    if (keys.length === 0) return {};
    const rows = await this.sql.rows<{ scope: string; epoch: string }>(READ, [keys]);
    const found = new Map(rows.map((r) => [r.scope, r.epoch]));
    return Object.fromEntries(keys.map((k) => [k, found.get(k) ?? '0']));
  }
}
