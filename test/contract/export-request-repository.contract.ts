import { describe, expect, it } from 'vitest';
import type { NewExportRequest } from '../../services/vault/src/portability/export-request-repository.ts';
import { at, hex, newId, type DatabaseSubject, type Subject } from './contract-subjects.ts';

const HOUR = 3_600_000;

function newRequest(overrides: Partial<NewExportRequest> = {}): NewExportRequest {
  return {
    id: newId('exp_'),
    tenantId: `t-${hex()}`,
    userId: null,
    recipientFingerprint: hex(20),
    recipientKey: '-----BEGIN PGP PUBLIC KEY BLOCK-----\n…\n-----END PGP PUBLIC KEY BLOCK-----\n',
    requestedBy: 'alice',
    expiresAt: at(Date.now() + HOUR),
    ...overrides,
  };
}

/** What card exports under dual control (the service and the export job) rely on from `ExportRequestRepository`. */
export function describeExportRequestRepositoryContract(name: string, subject: Subject<DatabaseSubject>): void {
  describe(`ExportRequestRepository contract (${name})`, () => {
    const requests = () => subject().uow.repos.exportRequests;
    const approve = (id: string, approvedBy = 'bob', decidedAt = at(Date.now())) => requests().decide(id, { status: 'approved', approvedBy, decidedAt });

    it('records a request pending, as given; finds it by id, for a decision too', async () => {
      const request = newRequest({ userId: `u-${hex()}` });
      const stored = await requests().insert(request);
      expect(stored).toEqual({ ...request, status: 'pending', approvedBy: null, decidedAt: null });
      expect(await requests().find(request.id)).toEqual(stored);
      expect(await subject().uow.transaction((repos) => repos.exportRequests.findForDecision(request.id))).toEqual(stored);
      expect(await requests().find(newId('exp_'))).toBeNull();
      expect(await requests().decide(newId('exp_'), { status: 'refused', approvedBy: null, decidedAt: at(Date.now()) })).toBeNull();
    });

    it('records an approval with its approver and a refusal without one; never an approval by the requester', async () => {
      const approved = await requests().insert(newRequest());
      const decidedAt = at(Date.now());
      expect(await approve(approved.id, 'bob', decidedAt)).toMatchObject({ status: 'approved', approvedBy: 'bob', decidedAt });
      const refused = await requests().insert(newRequest());
      expect(await requests().decide(refused.id, { status: 'refused', approvedBy: null, decidedAt })).toMatchObject({ status: 'refused', approvedBy: null, decidedAt });

      const own = await requests().insert(newRequest());
      await expect(approve(own.id, own.requestedBy)).rejects.toThrow();
      expect(await requests().find(own.id)).toMatchObject({ status: 'pending', approvedBy: null });
    });

    it('a decision holds the request: a second one waits for it and sees its outcome', async () => {
      const request = await requests().insert(newRequest());
      let locked!: () => void;
      let finish!: () => void;
      const first = subject().uow.transaction(async (repos) => {
        await repos.exportRequests.findForDecision(request.id);
        locked();
        await new Promise<void>((resolve) => (finish = resolve));
        return repos.exportRequests.decide(request.id, { status: 'approved', approvedBy: 'bob', decidedAt: at(Date.now()) });
      });
      await new Promise<void>((resolve) => (locked = resolve));
      const second = subject().uow.transaction(async (repos) => (await repos.exportRequests.findForDecision(request.id))?.status);
      await new Promise((resolve) => setTimeout(resolve, 100));
      finish();
      await first;
      expect(await second).toBe('approved');
    });

    it('the export job claims a request approved within the window (or left exporting), and no other', async () => {
      const fresh = await requests().insert(newRequest());
      await approve(fresh.id);
      expect(await requests().claimForExport(fresh.id, 3_600)).toMatchObject({ id: fresh.id, status: 'exporting', recipientKey: fresh.recipientKey });
      // A job that died mid-file left it exporting: the next one claims it again.
      expect(await requests().claimForExport(fresh.id, 3_600)).toMatchObject({ status: 'exporting' });

      const stale = await requests().insert(newRequest());
      await approve(stale.id, 'bob', at(Date.now() - 2 * HOUR));
      expect(await requests().claimForExport(stale.id, 3_600)).toBeNull();
      expect(await requests().find(stale.id)).toMatchObject({ status: 'approved' });

      const pending = await requests().insert(newRequest());
      expect(await requests().claimForExport(pending.id, 3_600)).toBeNull();
      const refused = await requests().insert(newRequest());
      await requests().decide(refused.id, { status: 'refused', approvedBy: null, decidedAt: at(Date.now()) });
      expect(await requests().claimForExport(refused.id, 3_600)).toBeNull();
      expect(await requests().claimForExport(newId('exp_'), 3_600)).toBeNull();
      expect((await requests().find(pending.id))!.status).toBe('pending');
    });

    it('a failed job puts its claim back to approved; a completed request is never claimed again', async () => {
      const request = await requests().insert(newRequest());
      await approve(request.id);
      await requests().releaseClaim(request.id); // not exporting: nothing to put back
      expect((await requests().find(request.id))!.status).toBe('approved');
      await requests().claimForExport(request.id, 3_600);
      await requests().releaseClaim(request.id);
      expect((await requests().find(request.id))!.status).toBe('approved');

      await requests().claimForExport(request.id, 3_600);
      await requests().complete(request.id);
      expect((await requests().find(request.id))!.status).toBe('completed');
      expect(await requests().claimForExport(request.id, 3_600)).toBeNull();
      await requests().releaseClaim(request.id);
      expect((await requests().find(request.id))!.status).toBe('completed');
    });
  });
}
