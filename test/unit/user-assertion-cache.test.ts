import { afterEach, describe, expect, it, vi } from 'vitest';
import { keysExample } from '../../services/vault/src/config/repo-paths.ts';
import { DEV_AUDIENCE, DEV_ISSUER, mintDevAssertion } from '../../services/vault/src/dev/dev-assertion.ts';
import { UserAssertionVerifier } from '../../services/vault/src/identity/user-assertion.ts';
import { VerifiedAssertions } from '../../services/vault/src/identity/verified-assertions.ts';

const settings = { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwksFile: keysExample('identity', 'issuer-public.jwks.json'), maxLifetimeSeconds: 300, requireAzp: true };

afterEach(() => {
  vi.useRealTimers();
});

describe('a verified user assertion is remembered only while it is valid', () => {
  it('is refused once expired, though it was verified (and remembered) before', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const verifier = new UserAssertionVerifier(settings);
    const token = await mintDevAssertion({ sub: 'u1', tid: 't1', azp: 'account-settings' }, { lifetimeSeconds: 60 });
    await expect(verifier.verify(`Bearer ${token}`, 'account-settings')).resolves.toEqual({ userId: 'u1', tenantId: 't1', groupId: null });
    vi.setSystemTime(Date.now() + 64_000); // within exp + the 5 s tolerance
    await expect(verifier.verify(`Bearer ${token}`, 'account-settings')).resolves.toMatchObject({ userId: 'u1' });
    vi.setSystemTime(Date.now() + 2_000); // past exp + tolerance
    await expect(verifier.verify(`Bearer ${token}`, 'account-settings')).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('still binds a remembered assertion to the service it names (azp) on every call', async () => {
    const verifier = new UserAssertionVerifier(settings);
    const token = await mintDevAssertion({ sub: 'u2', tid: 't1', azp: 'account-settings' });
    await verifier.verify(`Bearer ${token}`, 'account-settings');
    await expect(verifier.verify(`Bearer ${token}`, 'payment-flow')).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(verifier.verify(`Bearer ${token}`, 'account-settings')).resolves.toMatchObject({ userId: 'u2' });
  });

  it('never remembers a refusal: a token with a changed signature is refused each time', async () => {
    const verifier = new UserAssertionVerifier(settings);
    const token = await mintDevAssertion({ sub: 'u3', tid: 't1', azp: 'account-settings' });
    const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    await verifier.verify(`Bearer ${token}`, 'account-settings');
    for (let i = 0; i < 2; i++) await expect(verifier.verify(`Bearer ${forged}`, 'account-settings')).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('holds at most its capacity, dropping the oldest first', () => {
    const cache = new VerifiedAssertions<number>(2);
    cache.set('a', 1, 1_000);
    cache.set('b', 2, 1_000);
    cache.set('c', 3, 1_000);
    expect([cache.get('a', 0), cache.get('b', 0), cache.get('c', 0)]).toEqual([undefined, 2, 3]);
    expect(cache.get('b', 1_000)).toBeUndefined();
  });
});
