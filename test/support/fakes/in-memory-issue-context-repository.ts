import type { IssueContext, IssueContextRepository } from '../../../services/vault/src/payment-tokens/issue-context-repository.ts';
import { InMemoryCardRepository } from './in-memory-card-repository.ts';
import { InMemoryPaymentSettingsRepository } from './in-memory-payment-settings-repository.ts';
import { InMemoryProcessorRepository } from './in-memory-processor-repository.ts';
import type { Binding } from './in-memory-tables.ts';
import type { Owner } from '../../../services/vault/src/identity/actor.ts';

/** The three reads the SQL repository makes in one statement, one after another. */
export class InMemoryIssueContextRepository implements IssueContextRepository {
  constructor(private readonly b: Binding) {}

  async read(owner: Owner, groupId: string | null, cardId: string | null, processorId: string | null): Promise<IssueContext> {
    return {
      settings: await new InMemoryPaymentSettingsRepository(this.b).read(owner.tenantId, groupId),
      processor: processorId === null ? null : await new InMemoryProcessorRepository(this.b).find(processorId),
      card: cardId === null ? null : await new InMemoryCardRepository(this.b).findOwned(owner, cardId),
    };
  }
}
