import { statement, type Sql } from '../storage/sql.ts';

/** A card as an export writes it: its sealed PAN and, if it has one, its sealed billing address. */
export interface ExportedCard {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly expMonth: number;
  readonly expYear: number;
  readonly cardholderName: string;
  readonly ciphertext: Uint8Array;
  readonly billingProfileId: string | null;
  readonly billingProfileCiphertext: Uint8Array | null;
}

/**
 * An export's read of `cards` and `billing_profiles`: a tenant's (or one user's) cards a page at a time, in id
 * order, read-only. The one read of those tables outside their own repositories: a tenant-wide page of cards with
 * each one's address is a query no request ever makes.
 */
export interface ExportCardRepository {
  /** Up to `limit` cards of the tenant (of `userId` only, if given) with ids after `after` (a cursor; '' first). */
  page(scope: { readonly tenantId: string; readonly userId: string | null }, after: string, limit: number): Promise<ExportedCard[]>;
}

const PAGE = statement(
  'export_cards_page',
  `SELECT c."id", c."tenant_id" AS "tenantId", c."user_id" AS "userId", c."exp_month" AS "expMonth", c."exp_year" AS "expYear",
          c."cardholder_name" AS "cardholderName", c."ciphertext", c."billing_profile_id" AS "billingProfileId",
          b."ciphertext" AS "billingProfileCiphertext"
     FROM "cards" c LEFT JOIN "billing_profiles" b ON b."id" = c."billing_profile_id"
    WHERE c."tenant_id" = $1 AND ($2::text IS NULL OR c."user_id" = $2) AND c."id" > $3 ORDER BY c."id" LIMIT $4`,
);

export class SqlExportCardRepository implements ExportCardRepository {
  constructor(private readonly sql: Sql) {}

  page(scope: { readonly tenantId: string; readonly userId: string | null }, after: string, limit: number): Promise<ExportedCard[]> {
    return this.sql.rows<ExportedCard>(PAGE, [scope.tenantId, scope.userId, after, limit]);
  }
}
