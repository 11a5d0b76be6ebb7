import { statement, type Sql } from '../storage/sql.ts';

/** A token's release to its processor, as recorded in the redeem's transaction. */
export interface TokenRedemption {
  readonly tokenId: string;
  readonly processorId: string;
  /** The processor's own id for this redemption: a retry with it gets the same answer. */
  readonly redemptionId: string | null;
  readonly tenantId: string;
  readonly tokenExpiresAt: Date;
}

export interface RecordedRedemption extends TokenRedemption {
  readonly redeemedAt: Date;
}

/**
 * The only code that touches `token_redemptions`: the authority that a token is released at most once. Redis
 * carries the tokens, but its replication is asynchronous; this row commits with the redeem's audit event, and its
 * primary key refuses a second release of the same token whatever Redis hands out after a failover.
 */
export interface TokenRedemptionRepository {
  /** Records the release: true; false when the token was already released (a row is there), and then nothing changes. */
  record(redemption: TokenRedemption): Promise<boolean>;
  /** The release recorded for a token, if any. */
  find(tokenId: string): Promise<RecordedRedemption | null>;
  /** A release that did not reach its caller: forgotten, so the token (put back) can be redeemed by a retry. */
  forget(tokenId: string): Promise<void>;
  /** Deletes releases of tokens expired before `before` (they can never be presented again); how many. */
  purgeExpired(before: Date): Promise<number>;
}

const RECORD = statement(
  'token_redemptions_record',
  `INSERT INTO "token_redemptions" ("token_id", "processor_id", "redemption_id", "tenant_id", "token_expires_at")
   VALUES ($1, $2, $3, $4, $5) ON CONFLICT ("token_id") DO NOTHING RETURNING "token_id"`,
);
const FIND = statement(
  'token_redemptions_find',
  `SELECT "token_id" AS "tokenId", "processor_id" AS "processorId", "redemption_id" AS "redemptionId", "tenant_id" AS "tenantId",
          "token_expires_at" AS "tokenExpiresAt", "redeemed_at" AS "redeemedAt"
   FROM "token_redemptions" WHERE "token_id" = $1`,
);
const FORGET = statement('token_redemptions_forget', `DELETE FROM "token_redemptions" WHERE "token_id" = $1`);
const PURGE = statement('token_redemptions_purge', `DELETE FROM "token_redemptions" WHERE "token_expires_at" < $1`);

export class SqlTokenRedemptionRepository implements TokenRedemptionRepository {
  constructor(private readonly sql: Sql) {}

  async record(r: TokenRedemption): Promise<boolean> {
    return (await this.sql.rows(RECORD, [r.tokenId, r.processorId, r.redemptionId, r.tenantId, r.tokenExpiresAt])).length === 1;
  }

  async find(tokenId: string): Promise<RecordedRedemption | null> {
    return (await this.sql.rows<RecordedRedemption>(FIND, [tokenId]))[0] ?? null;
  }

  async forget(tokenId: string): Promise<void> {
    await this.sql.count(FORGET, [tokenId]);
  }

  purgeExpired(before: Date): Promise<number> {
    return this.sql.count(PURGE, [before]);
  }
}
