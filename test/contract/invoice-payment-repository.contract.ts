import { describe, expect, it } from 'vitest';
import type { InvoiceClaim, InvoiceKey } from '../../services/vault/src/payment-sessions/invoice-payment-repository.ts';
import { isUniqueViolation } from '../../services/vault/src/storage/database-errors.ts';
import type { Owner } from '../../services/vault/src/identity/actor.ts';
import { at, hex, newId, newOwner, type DatabaseSubject, type Subject } from './contract-subjects.ts';

const MINUTE = 60_000;

/** A claim of `owner`'s invoice (a fresh one unless given) by a fresh token that expires at `tokenExpiresAt`. */
function claimOf(owner: Owner, tokenExpiresAt: Date, invoice: InvoiceKey = { partnerId: 'xero', invoiceId: `INV-${hex(4)}` }): InvoiceClaim {
  return { owner, partnerId: invoice.partnerId, invoiceId: invoice.invoiceId, sessionId: newId('ps_'), tokenId: newId('pt_'), tokenExpiresAt };
}

/** What "one invoice is paid at most once per user" relies on from `InvoicePaymentRepository`, for any implementation. */
export function describeInvoicePaymentRepositoryContract(name: string, subject: Subject<DatabaseSubject>): void {
  describe(`InvoicePaymentRepository contract (${name})`, () => {
    const uow = () => subject().uow;
    const payments = () => uow().repos.invoicePayments;

    it('claims a free invoice; its live token holds it until it expires (exclusive), and no other claim takes it meanwhile', async () => {
      const now = at(Date.now());
      const owner = newOwner();
      const first = claimOf(owner, at(now.getTime() + 5 * MINUTE));
      expect(await payments().isHeld(owner, first, now)).toBe(false);
      expect(await payments().claim(first, now)).toBe(true);
      expect(await payments().isHeld(owner, first, now)).toBe(true);
      expect(await payments().isHeld(owner, first, at(first.tokenExpiresAt.getTime() - 1))).toBe(true);
      expect(await payments().isHeld(owner, first, first.tokenExpiresAt)).toBe(false);
      const second = claimOf(owner, at(now.getTime() + 10 * MINUTE), first);
      expect(await payments().claim(second, now)).toBe(false);
      expect(await payments().claim(second, at(first.tokenExpiresAt.getTime() - 1))).toBe(false);
      // The refused claim changed nothing: the invoice is free when the first token expires, not the second.
      expect(await payments().isHeld(owner, first, first.tokenExpiresAt)).toBe(false);
    });

    it('an expired, unredeemed token frees the invoice: the next claim takes the row over, token and expiry', async () => {
      const now = at(Date.now());
      const owner = newOwner();
      const first = claimOf(owner, at(now.getTime() + MINUTE));
      expect(await payments().claim(first, now)).toBe(true);
      const later = first.tokenExpiresAt; // expiry is exclusive: at it, the token no longer holds the invoice
      const second = claimOf(owner, at(later.getTime() + 5 * MINUTE), first);
      expect(await payments().claim(second, later)).toBe(true);
      expect(await payments().isHeld(owner, first, later)).toBe(true);
      // The first token no longer names the row: redeeming it is refused and marks nothing paid.
      expect(await payments().markRedeemed(first.tokenId, later)).toBe(false);
      expect(await payments().isHeld(owner, first, second.tokenExpiresAt)).toBe(false);
      // The second token does.
      expect(await payments().markRedeemed(second.tokenId, later)).toBe(true);
      expect(await payments().isHeld(owner, first, second.tokenExpiresAt)).toBe(true);
    });

    it('a redeemed token holds its invoice for good: past its expiry, no claim takes it', async () => {
      const now = at(Date.now());
      const owner = newOwner();
      const claim = claimOf(owner, at(now.getTime() + MINUTE));
      expect(await payments().claim(claim, now)).toBe(true);
      expect(await payments().markRedeemed(claim.tokenId, now)).toBe(true);
      // A second mark (a redeem retried after its caller went) is answered the same and changes nothing.
      expect(await payments().markRedeemed(claim.tokenId, at(now.getTime() + 30_000))).toBe(true);
      const muchLater = at(claim.tokenExpiresAt.getTime() + 365 * 24 * 60 * MINUTE);
      expect(await payments().isHeld(owner, claim, muchLater)).toBe(true);
      expect(await payments().claim(claimOf(owner, at(muchLater.getTime() + MINUTE), claim), muchLater)).toBe(false);
      expect(await payments().isHeld(owner, claim, muchLater)).toBe(true);
      expect(await payments().markRedeemed(newId('pt_'), now)).toBe(false); // an unknown token: nothing to mark
    });

    it('a redeem that did not deliver (its caller went) gives the invoice back to its live token: held until it expires, then free', async () => {
      const now = at(Date.now());
      const owner = newOwner();
      const claim = claimOf(owner, at(now.getTime() + MINUTE));
      expect(await payments().claim(claim, now)).toBe(true);
      expect(await payments().markRedeemed(claim.tokenId, now)).toBe(true);
      await payments().unmarkRedeemed(claim.tokenId);
      expect(await payments().isHeld(owner, claim, now)).toBe(true);
      expect(await payments().isHeld(owner, claim, claim.tokenExpiresAt)).toBe(false);
      expect(await payments().claim(claimOf(owner, at(claim.tokenExpiresAt.getTime() + MINUTE), claim), claim.tokenExpiresAt)).toBe(true);
      // The processor's retry before the expiry marks it paid again, for good.
      const retried = claimOf(owner, at(now.getTime() + MINUTE));
      expect(await payments().claim(retried, now)).toBe(true);
      expect(await payments().markRedeemed(retried.tokenId, now)).toBe(true);
      await payments().unmarkRedeemed(retried.tokenId);
      expect(await payments().markRedeemed(retried.tokenId, now)).toBe(true);
      expect(await payments().isHeld(owner, retried, at(retried.tokenExpiresAt.getTime() + 365 * 24 * 60 * MINUTE))).toBe(true);
    });

    it('is per user and per invoice: another user, tenant, partner or invoice id is another invoice', async () => {
      const now = at(Date.now());
      const owner = newOwner();
      const claim = claimOf(owner, at(now.getTime() + 5 * MINUTE));
      expect(await payments().claim(claim, now)).toBe(true);
      const others: InvoiceClaim[] = [
        claimOf(newOwner(owner.tenantId), claim.tokenExpiresAt, claim),
        claimOf({ tenantId: `${owner.tenantId}-other`, userId: owner.userId }, claim.tokenExpiresAt, claim),
        claimOf(owner, claim.tokenExpiresAt, { partnerId: 'freshbooks', invoiceId: claim.invoiceId }),
        claimOf(owner, claim.tokenExpiresAt, { partnerId: claim.partnerId, invoiceId: `${claim.invoiceId}-2` }),
      ];
      for (const other of others) expect(await payments().isHeld(other.owner, other, now)).toBe(false);
      for (const other of others) expect(await payments().claim(other, now)).toBe(true);
    });

    it('refuses a token id already claiming another invoice', async () => {
      const now = at(Date.now());
      const owner = newOwner();
      const claim = claimOf(owner, at(now.getTime() + 5 * MINUTE));
      await payments().claim(claim, now);
      const clash = await payments().claim({ ...claimOf(owner, claim.tokenExpiresAt), tokenId: claim.tokenId }, now).catch((err: unknown) => err);
      expect(isUniqueViolation(clash)).toBe(true);
    });

    it('concurrent claims of one invoice, each in its transaction: exactly one wins', async () => {
      const now = at(Date.now());
      const owner = newOwner();
      const invoice = { partnerId: 'xero', invoiceId: `INV-${hex(4)}` };
      const won = await Promise.all(Array.from({ length: 5 }, () => uow().transaction((repos) => repos.invoicePayments.claim(claimOf(owner, at(now.getTime() + MINUTE), invoice), now))));
      expect(won.filter(Boolean)).toHaveLength(1);
    });

    it('is undone with its transaction: a claim, a redeemed mark', async () => {
      const now = at(Date.now());
      const owner = newOwner();
      const claim = claimOf(owner, at(now.getTime() + MINUTE));
      const rollsBack = (fn: Parameters<ReturnType<typeof uow>['transaction']>[0]) =>
        expect(
          uow().transaction(async (repos) => {
            await fn(repos);
            throw new Error('rolled back');
          }),
        ).rejects.toThrow('rolled back');
      await rollsBack(async (repos) => expect(await repos.invoicePayments.claim(claim, now)).toBe(true));
      expect(await payments().isHeld(owner, claim, now)).toBe(false);
      expect(await payments().claim(claim, now)).toBe(true);
      await rollsBack(async (repos) => expect(await repos.invoicePayments.markRedeemed(claim.tokenId, now)).toBe(true));
      expect(await payments().isHeld(owner, claim, claim.tokenExpiresAt)).toBe(false);
    });
  });
}
