import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, startTestVault, visa, type TestVault } from '../support/test-vault.ts';

let v: TestVault;
beforeAll(async () => {
  v = await startTestVault();
});
afterAll(async () => {
  await v.close();
});

const address = { name: 'Grace Hopper', line1: '1 Navy Way', city: 'Arlington', region: 'VA', postalCode: '22202', country: 'US', email: 'grace@example.com' };

describe('billing profiles', () => {
  it('creates, lists, reads, patches and deletes, stored encrypted', async () => {
    const user = newUser();
    const created = await v.internal('/v1/billing-profiles', { user, body: address });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ ...address, id: expect.stringMatching(/^bp_/) });
    const { rows } = await v.database.pool.query('SELECT * FROM billing_profiles WHERE id = $1', [created.json.id]);
    expect(JSON.stringify(rows[0]) + rows[0].ciphertext.toString('latin1')).not.toMatch(/Navy Way|Arlington|grace@/);

    expect((await v.internal('/v1/billing-profiles', { user, as: 'payment-flow' })).json.data).toEqual([created.json]);
    const patched = await v.internal(`/v1/billing-profiles/${created.json.id}`, { method: 'PATCH', user, body: { line1: '2 Navy Way', region: null } });
    expect(patched.status).toBe(200);
    expect(patched.json.line1).toBe('2 Navy Way');
    expect(patched.json).not.toHaveProperty('region');
    expect((await v.internal(`/v1/billing-profiles/${created.json.id}`, { user })).json.line1).toBe('2 Navy Way');
    expect((await v.internal(`/v1/billing-profiles/${created.json.id}`, { method: 'DELETE', user })).status).toBe(204);
    expect((await v.internal(`/v1/billing-profiles/${created.json.id}`, { user })).status).toBe(404);
  });

  it('refuses to delete a profile a card uses (409), and allows it once detached', async () => {
    const user = newUser();
    const profile = (await v.internal('/v1/billing-profiles', { user, body: address })).json;
    const card = (await v.addCard(user, visa({ billingProfileId: profile.id }))).json;
    expect(card.billingProfileId).toBe(profile.id);
    const refused = await v.internal(`/v1/billing-profiles/${profile.id}`, { method: 'DELETE', user });
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('billing_profile_in_use');
    await v.internal(`/v1/cards/${card.id}`, { method: 'PATCH', user, body: { billingProfileId: null } });
    expect((await v.internal(`/v1/billing-profiles/${profile.id}`, { method: 'DELETE', user })).status).toBe(204);
  });

  it('will not attach another user’s profile to a card', async () => {
    const owner = newUser();
    const other = newUser(owner.tid);
    const profile = (await v.internal('/v1/billing-profiles', { user: owner, body: address })).json;
    const res = await v.addCard(other, visa({ billingProfileId: profile.id }));
    expect(res.status).toBe(404);
    expect(res.json.code).toBe('billing_profile_not_found');
  });

  it('validates addresses', async () => {
    const user = newUser();
    for (const [body, path] of [
      [{ ...address, country: 'us' }, 'country'],
      [{ ...address, email: 'not-an-email' }, 'email'],
      [{ ...address, line1: '' }, 'line1'],
      [{ ...address, tenantId: 'x' }, ''], // an unknown member: reported at its parent, never by its name
    ] as const) {
      const res = await v.internal('/v1/billing-profiles', { user, body });
      expect(res.status).toBe(400);
      expect(res.json.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
  });
});
