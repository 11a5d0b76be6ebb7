import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

let v: TestVault;
beforeAll(async () => {
  v = await startTestVault();
});
afterAll(async () => {
  await v.close();
});

const address = { name: 'A', line1: '1 Road', city: 'Town', postalCode: '1000', country: 'NL' };

describe('a ciphertext copied into another row does not decrypt', () => {
  it('card: the encryption-context check refuses it, and the failure is audited without plaintext', async () => {
    const user = newUser();
    const mine = (await v.addCard(user, visa())).json;
    const other = (await v.addCard(user, visa({ number: '5555555555554444' }))).json;
    const actor = { service: 'payment-flow', requestId: `swap-card-${Date.now()}`, user: { tenantId: user.tid, userId: user.sub, groupId: null } };

    const { cards } = v.vault.services;
    const reveal = async (id: string) => cards.openPan(actor, await cards.findOwnedOrDeny(actor, id, 'card.decrypt'));
    // The untouched card opens.
    const pan = await reveal(mine.id);
    expect(pan.reveal()).toBe('4242424242424242');
    expect(String(pan)).toBe('[redacted]');

    await v.database.pool.query('UPDATE cards SET ciphertext = (SELECT ciphertext FROM cards WHERE id = $1) WHERE id = $2', [mine.id, other.id]);
    await expect(reveal(other.id)).rejects.toMatchObject({ code: 'internal' });

    const { rows } = await v.database.pool.query(`SELECT action, outcome, target, body FROM audit_events WHERE request_id = $1 ORDER BY id`, [actor.requestId]);
    // (A successful open is audited by its caller, with the payment token it served.)
    expect(rows.map((r) => [r.action, r.outcome, r.target, JSON.parse(r.body).reason])).toEqual([['card.decrypt', 'failed', other.id, 'decryption_failed']]);
    expect(JSON.stringify(rows)).not.toMatch(/4242424242|5555555555/);
    expect(v.logs.join('\n')).not.toMatch(/4242424242|5555555555/);
  });

  it('billing profile: GET answers 500 internal, audited, with nothing of either address', async () => {
    const user = newUser();
    const a = (await v.internal('/v1/billing-profiles', { user, body: address })).json;
    const b = (await v.internal('/v1/billing-profiles', { user, body: { ...address, line1: '2 Secret Lane' } })).json;
    await v.database.pool.query('UPDATE billing_profiles SET ciphertext = (SELECT ciphertext FROM billing_profiles WHERE id = $1) WHERE id = $2', [b.id, a.id]);
    const requestId = randomUUID();
    const res = await v.internal(`/v1/billing-profiles/${a.id}`, { user, headers: { 'x-request-id': requestId } });
    expect(res.status).toBe(500);
    expect(res.json).toMatchObject({ code: 'internal', requestId });
    expect(res.text).not.toContain('Secret Lane');
    const { rows } = await v.database.pool.query(`SELECT action, outcome, body FROM audit_events WHERE request_id = $1`, [requestId]);
    expect(rows.map((r) => [r.action, r.outcome, JSON.parse(r.body).reason])).toEqual([['billing_profile.decrypt', 'failed', 'decryption_failed']]);
    expect(v.logs.join('\n')).not.toContain('Secret Lane');
  });

  it('across tenants too: a card moved to another tenant does not open there', async () => {
    const alice = newUser();
    const mallory = newUser();
    const card = (await v.addCard(alice, visa())).json;
    // Re-own the row as Mallory's (as a compromised DBA might), keeping the ciphertext.
    await v.database.pool.query('UPDATE cards SET tenant_id = $1, user_id = $2 WHERE id = $3', [mallory.tid, mallory.sub, card.id]);
    const actor = { service: 'payment-flow', requestId: `swap-tenant-${Date.now()}`, user: { tenantId: mallory.tid, userId: mallory.sub, groupId: null } };
    const { cards } = v.vault.services;
    await expect(cards.openPan(actor, await cards.findOwnedOrDeny(actor, card.id, 'card.decrypt'))).rejects.toMatchObject({ code: 'internal' });
  });
});
