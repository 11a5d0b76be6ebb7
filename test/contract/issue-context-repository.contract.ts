import { describe, expect, it } from 'vitest';
import { at, hex, newCard, newOwner, type DatabaseSubject, type Subject } from './contract-subjects.ts';

/** What the payment-token issue relies on from `IssueContextRepository`, for any implementation. */
export function describeIssueContextRepositoryContract(name: string, subject: Subject<DatabaseSubject>): void {
  describe(`IssueContextRepository contract (${name})`, () => {
    const repos = () => subject().uow.repos;

    it('reads the switches (missing rows: enabled), the processor and the owner’s card together', async () => {
      const owner = newOwner();
      const card = (await repos().cards.insertOrUpdateDuplicate(newCard(owner), {})).card;
      const processorId = `p-${hex()}`;
      const keys = [{ kid: 'k1', alg: 'RSA-OAEP-256', jwk: { kty: 'RSA', n: 'x', e: 'AQAB' }, addedAt: at(Date.now()).toISOString() }];
      await repos().processors.upsert({ id: processorId, name: 'P', enabled: true, keys: keys as never });
      const context = await repos().issueContext.read(owner, null, card.id, processorId);
      expect(context.settings).toEqual({ tenantEnabled: true, groupEnabled: true, tenantHasGroups: false });
      expect(context.processor).toMatchObject({ id: processorId, name: 'P', enabled: true, keys });
      expect(context.processor?.updatedAt).toBeInstanceOf(Date);
      expect({ ...context.card, ciphertext: Buffer.from(context.card!.ciphertext) }).toEqual({ ...card, ciphertext: Buffer.from(card.ciphertext) });
    });

    it('gives the tenant and group switches as the settings repository does', async () => {
      const owner = newOwner();
      await repos().paymentSettings.setGroup(owner.tenantId, 'sales', false);
      expect((await repos().issueContext.read(owner, 'sales', null, null)).settings).toEqual(await repos().paymentSettings.read(owner.tenantId, 'sales'));
      expect((await repos().issueContext.read(owner, 'support', null, null)).settings).toEqual({ tenantEnabled: true, groupEnabled: true, tenantHasGroups: true });
      await repos().paymentSettings.setTenant(owner.tenantId, false);
      expect((await repos().issueContext.read(owner, null, null, null)).settings).toEqual({ tenantEnabled: false, groupEnabled: true, tenantHasGroups: true });
    });

    it('finds no card of another owner, and nothing for unknown ids', async () => {
      const owner = newOwner();
      const card = (await repos().cards.insertOrUpdateDuplicate(newCard(owner), {})).card;
      const context = await repos().issueContext.read(newOwner(owner.tenantId), null, card.id, `p-${hex()}`);
      expect(context.card).toBeNull();
      expect(context.processor).toBeNull();
      expect((await repos().issueContext.read(owner, null, null, null)).card).toBeNull();
    });
  });
}
