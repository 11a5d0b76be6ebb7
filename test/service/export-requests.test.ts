import { randomUUID } from 'node:crypto';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../services/vault/src/identity/actor.ts';
import { buildFakeServices } from '../support/fakes/build-fake-services.ts';
import { auditTrail, refusal } from './service-fixtures.ts';

/** Card exports under dual control, the rules only: on the service tests' fakes (the admin tenant is `ops` in dev). */
const adminAs = (userId: string, tenantId = 'ops'): Actor => ({ service: 'admin', requestId: randomUUID(), user: { tenantId, userId, groupId: null } });
let recipient: { publicKey: string; privateKey: string };

beforeAll(async () => {
  recipient = await openpgp.generateKey({ type: 'curve25519', userIDs: [{ name: 'Recipient' }], format: 'armored' });
});

describe('card export requests', () => {
  it('an admin requests an export: pending until approved, expiring after the approval window; audited with its scope and recipient', async () => {
    const v = buildFakeServices();
    const alice = adminAs('alice');
    const requested = await v.services.exportRequests.request(alice, { tenantId: 't-exp', userId: 'u-1', recipientPublicKey: recipient.publicKey });
    const fingerprint = (await openpgp.readKey({ armoredKey: recipient.publicKey })).getFingerprint();
    expect(requested).toMatchObject({ tenantId: 't-exp', userId: 'u-1', recipientFingerprint: fingerprint, status: 'pending', requestedBy: 'alice', approvedBy: null });
    expect(requested.expiresAt).toBe(new Date(v.clock.nowMs() + v.config.exports.approvalSeconds * 1000).toISOString());
    expect(auditTrail(v, alice.requestId)).toEqual([
      { action: 'export.request', outcome: 'success', target: requested.id, reason: `tenant=t-exp scope=user recipient=${fingerprint}`, userId: 'alice', tenantId: 'ops', actorService: 'admin' },
    ]);
  });

  it('only the admin tenant’s people, audited when refused; a recipient key must be a usable public key', async () => {
    const v = buildFakeServices();
    const outsider = adminAs('mallory', 'some-tenant');
    expect((await refusal(v.services.exportRequests.request(outsider, { tenantId: 't-exp', recipientPublicKey: recipient.publicKey }))).code).toBe('forbidden');
    expect(auditTrail(v, outsider.requestId)).toMatchObject([{ action: 'export.request', outcome: 'denied', reason: 'not_an_admin' }]);
    expect(v.db.exportRequests.rows()).toEqual([]);
    const bad = await refusal(v.services.exportRequests.request(adminAs('alice'), { tenantId: 't-exp', recipientPublicKey: recipient.privateKey }));
    expect(bad).toMatchObject({ code: 'invalid_request', errors: [{ path: 'recipientPublicKey', code: 'recipient_key_invalid' }] });
  });

  it('Precondition (split knowledge): the approver is not the requester — refused and audited; another admin approves', async () => {
    const v = buildFakeServices();
    const { id } = await v.services.exportRequests.request(adminAs('alice'), { tenantId: 't-exp', recipientPublicKey: recipient.publicKey });
    const self = adminAs('alice');
    expect(await refusal(v.services.exportRequests.decide(self, id, 'approve'))).toMatchObject({ code: 'approver_is_requester', status: 403 });
    expect(auditTrail(v, self.requestId)).toMatchObject([{ action: 'export.approve', outcome: 'denied', target: id, reason: 'approver_is_requester' }]);
    expect((await v.services.exportRequests.get(adminAs('bob'), id)).status).toBe('pending');

    const bob = adminAs('bob');
    expect(await v.services.exportRequests.decide(bob, id, 'approve')).toMatchObject({ id, status: 'approved', approvedBy: 'bob' });
    expect(auditTrail(v, bob.requestId)).toMatchObject([{ action: 'export.approve', outcome: 'success', target: id, reason: 'requested_by=alice' }]);
    expect((await refusal(v.services.exportRequests.decide(adminAs('carol'), id, 'refuse'))).code).toBe('export_not_pending');
  });

  it('a refused request cannot be approved; an expired one cannot be decided and reads as expired', async () => {
    const v = buildFakeServices();
    const refused = await v.services.exportRequests.request(adminAs('alice'), { tenantId: 't-exp', recipientPublicKey: recipient.publicKey });
    expect(await v.services.exportRequests.decide(adminAs('bob'), refused.id, 'refuse')).toMatchObject({ status: 'refused', approvedBy: null });
    expect((await refusal(v.services.exportRequests.decide(adminAs('bob'), refused.id, 'approve'))).code).toBe('export_not_pending');

    const late = await v.services.exportRequests.request(adminAs('alice'), { tenantId: 't-exp', recipientPublicKey: recipient.publicKey });
    v.clock.advanceSeconds(v.config.exports.approvalSeconds);
    const bob = adminAs('bob');
    expect(await refusal(v.services.exportRequests.decide(bob, late.id, 'approve'))).toMatchObject({ code: 'export_expired', status: 409 });
    expect(auditTrail(v, bob.requestId)).toMatchObject([{ action: 'export.approve', outcome: 'denied', reason: 'expired' }]);
    expect((await v.services.exportRequests.get(adminAs('bob'), late.id)).status).toBe('expired');
  });

  it('an unknown or malformed id is export_not_found; a read is audited', async () => {
    const v = buildFakeServices();
    expect((await refusal(v.services.exportRequests.get(adminAs('bob'), 'exp_AAAAAAAAAAAAAAAA'))).code).toBe('export_not_found');
    expect((await refusal(v.services.exportRequests.decide(adminAs('bob'), 'not-an-id', 'approve'))).code).toBe('export_not_found');
    const { id } = await v.services.exportRequests.request(adminAs('alice'), { tenantId: 't-exp', recipientPublicKey: recipient.publicKey });
    const reader = adminAs('bob');
    await v.services.exportRequests.get(reader, id);
    expect(auditTrail(v, reader.requestId)).toMatchObject([{ action: 'export.read', outcome: 'success', target: id }]);
  });
});
