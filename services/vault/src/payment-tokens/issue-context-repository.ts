import type { CardRecord } from '../cards/card-record.ts';
import { cardColumns } from '../cards/card-repository.ts';
import type { PaymentSettings } from '../payment-policy/payment-policy.ts';
import { paymentSettingsColumns } from '../payment-policy/payment-settings-repository.ts';
import type { ProcessorRecord } from '../processors/processor-repository.ts';
import { statement, type Sql } from '../storage/sql.ts';
import type { Owner } from '../identity/actor.ts';

/** What a payment-token issue reads before it decides: the user's switches, the processor and the card. */
export interface IssueContext {
  readonly settings: PaymentSettings;
  readonly processor: ProcessorRecord | null;
  /** The caller's own card with that id, or null. */
  readonly card: CardRecord | null;
}

/** One read for the issue path (it was three round trips: switches, processor, card). */
export interface IssueContextRepository {
  read(owner: Owner, groupId: string | null, cardId: string | null, processorId: string | null): Promise<IssueContext>;
}

const READ = statement(
  'issue_context_read',
  `SELECT ${paymentSettingsColumns('$1', '$3')},
          "p"."id" AS "processor.id", "p"."name" AS "processor.name", "p"."enabled" AS "processor.enabled",
          "p"."keys" AS "processor.keys", "p"."updated_at" AS "processor.updatedAt",
          ${cardColumns('"c"', 'card.')}
   FROM (SELECT 1) AS "one"
   LEFT JOIN "processors" AS "p" ON "p"."id" = $5
   LEFT JOIN "cards" AS "c" ON "c"."id" = $4 AND "c"."tenant_id" = $1 AND "c"."user_id" = $2`,
);

/** The members of `row` named `prefix` + field, as one object; null when the joined row was missing. */
function joined<T>(row: Record<string, unknown>, prefix: string): T | null {
  if (row[`${prefix}id`] === null) return null;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) if (name.startsWith(prefix)) out[name.slice(prefix.length)] = value;
  return out as T;
}

export class SqlIssueContextRepository implements IssueContextRepository {
  constructor(private readonly sql: Sql) {}

  async read(owner: Owner, groupId: string | null, cardId: string | null, processorId: string | null): Promise<IssueContext> {
    const [row] = await this.sql.rows<Record<string, unknown> & PaymentSettings>(READ, [owner.tenantId, owner.userId, groupId, cardId, processorId]);
    const { tenantEnabled, groupEnabled, tenantHasGroups } = row!;
    return { settings: { tenantEnabled, groupEnabled, tenantHasGroups }, processor: joined<ProcessorRecord>(row!, 'processor.'), card: joined<CardRecord>(row!, 'card.') };
  }
}
