import { describe, expect, it } from 'vitest';
import { hashBearerSecret } from '../../services/vault/src/crypto/secret-hash.ts';
import { redisKey } from '../../services/vault/src/storage/redis-keys.ts';
import { buildFakeServices, type FakeVault } from '../support/fakes/build-fake-services.ts';
import { addCard, admin, as, auditTrail, issue, newUser, processor, publicJwks, refusal, registerProcessor } from './service-fixtures.ts';

/**
 * Single use and revocation decided in the database, not in Redis (issue 25), and the processor's safe retry: the
 * same `redemptionId` within the window gets the same JWE, while nothing revoked the token.
 */
async function vaultWithProcessors(env: Record<string, string> = {}): Promise<FakeVault> {
  const v = buildFakeServices({ env });
  await registerProcessor(v, 'xero-payments', 'xero-payments');
  await registerProcessor(v, 'freshbooks-payments', 'freshbooks-payments');
  return v;
}

async function outstandingToken(v: FakeVault) {
  const user = newUser(undefined, 'sales');
  const card = await addCard(v, user);
  const { token } = await issue(v, user, card.id);
  return { user, card, token: token as string };
}

const redeemWith = (v: FakeVault, token: string, redemptionId?: string, by = processor('xero-payments')) =>
  v.services.paymentTokens.redeem(by, redemptionId === undefined ? { token } : { token, redemptionId });

/** What a promoted Redis replica may hold: the token as it was before its claim, which the dead master had acknowledged. */
function snapshotToken(v: FakeVault, token: string): () => void {
  const key = redisKey('token', hashBearerSecret(token));
  const value = v.redis.get(key)!;
  const ttl = v.redis.pttl(key);
  return () => void v.redis.set(key, value, { expiresAt: v.clock.nowMs() + ttl });
}

describe('single use survives Redis forgetting a claim', () => {
  it('a token Redis hands out again after its release is refused: already_redeemed, audited', async () => {
    const v = await vaultWithProcessors();
    const { token } = await outstandingToken(v);
    const failover = snapshotToken(v, token);
    await expect(redeemWith(v, token)).resolves.toBeDefined();
    failover();
    const by = processor('xero-payments');
    expect(await refusal(redeemWith(v, token, undefined, by))).toMatchObject({ code: 'token_not_found', status: 404 });
    expect(auditTrail(v, by.requestId).map((e) => [e.outcome, e.reason])).toEqual([['denied', 'already_redeemed']]);
  });

  it('a revoked token Redis hands out again stays revoked (the epoch is in the database)', async () => {
    const v = await vaultWithProcessors();
    const { user, card, token } = await outstandingToken(v);
    const failover = snapshotToken(v, token);
    await v.services.cards.delete(as(user), card.id);
    failover();
    const by = processor('xero-payments');
    expect(await refusal(redeemWith(v, token, undefined, by))).toMatchObject({ code: 'token_not_found' });
    expect(auditTrail(v, by.requestId).map((e) => e.reason)).toEqual(['revoked']);
  });
});

describe('a redeem repeated with its redemptionId', () => {
  it('gets the same JWE within the window, each repeat audited', async () => {
    const v = await vaultWithProcessors();
    const { token } = await outstandingToken(v);
    const first = await redeemWith(v, token, 'r-1');
    v.clock.advanceSeconds(30);
    const by = processor('xero-payments');
    expect(await v.services.paymentTokens.redeem(by, { token, redemptionId: 'r-1' })).toEqual(first);
    expect(auditTrail(v, by.requestId).map((e) => [e.action, e.outcome, e.reason])).toEqual([['payment_token.redeem', 'success', 'repeat']]);
    expect(await redeemWith(v, token, 'r-1')).toEqual(first);
  });

  it('another redemptionId, none, or another processor: a used token (404)', async () => {
    const v = await vaultWithProcessors();
    const { token } = await outstandingToken(v);
    await redeemWith(v, token, 'r-1');
    expect(await refusal(redeemWith(v, token, 'r-2'))).toMatchObject({ code: 'token_not_found' });
    expect(await refusal(redeemWith(v, token))).toMatchObject({ code: 'token_not_found' });
    expect(await refusal(redeemWith(v, token, 'r-1', processor('freshbooks-payments')))).toMatchObject({ code: 'token_not_found' });
  });

  it('after the window, after the token expired, or after a revocation in between: 404', async () => {
    const v = await vaultWithProcessors({ VAULT_REDEEM_RETRY_SECONDS: '60', VAULT_TOKEN_TTL_SECONDS: '300' });
    const late = await outstandingToken(v);
    await redeemWith(v, late.token, 'r-1');
    v.clock.advanceSeconds(61);
    expect(await refusal(redeemWith(v, late.token, 'r-1'))).toMatchObject({ code: 'token_not_found' });

    const short = await vaultWithProcessors({ VAULT_REDEEM_RETRY_SECONDS: '60', VAULT_TOKEN_TTL_SECONDS: '20' });
    const expiring = await outstandingToken(short);
    await redeemWith(short, expiring.token, 'r-1');
    short.clock.advanceSeconds(21);
    expect(await refusal(redeemWith(short, expiring.token, 'r-1'))).toMatchObject({ code: 'token_not_found' });

    for (const revoke of [
      (w: FakeVault, t: Awaited<ReturnType<typeof outstandingToken>>) => w.services.cards.delete(as(t.user), t.card.id),
      (w: FakeVault, t: Awaited<ReturnType<typeof outstandingToken>>) => w.services.paymentSettings.setTenant(admin(), t.user.tenantId, { enabled: false }),
      (w: FakeVault) => w.services.processors.put(admin(), 'xero-payments', { name: 'Xero Payments', enabled: false, jwks: publicJwks('xero-payments') }),
    ]) {
      const w = await vaultWithProcessors();
      const t = await outstandingToken(w);
      await redeemWith(w, t.token, 'r-1');
      await revoke(w, t);
      const by = processor('xero-payments');
      expect(await refusal(w.services.paymentTokens.redeem(by, { token: t.token, redemptionId: 'r-1' }))).toMatchObject({ code: 'token_not_found' });
      expect(auditTrail(w, by.requestId).map((e) => e.reason)).toEqual(['revoked']);
    }
  });

  it('the repeat also holds when Redis hands the token out again after a failover: the same JWE', async () => {
    const v = await vaultWithProcessors();
    const { token } = await outstandingToken(v);
    const failover = snapshotToken(v, token);
    const first = await redeemWith(v, token, 'r-1');
    failover();
    expect(await redeemWith(v, token, 'r-1')).toEqual(first);
    failover();
    expect(await refusal(redeemWith(v, token, 'r-2'))).toMatchObject({ code: 'token_not_found' });
  });

  it('a malformed redemptionId is the same 404 as a malformed token', async () => {
    const v = await vaultWithProcessors();
    const { token } = await outstandingToken(v);
    for (const bad of ['', 'x'.repeat(65), 'a b', 42, null]) {
      expect(await refusal(v.services.paymentTokens.redeem(processor('xero-payments'), { token, redemptionId: bad }))).toMatchObject({ code: 'token_not_found' });
    }
    await expect(redeemWith(v, token, 'ok-1')).resolves.toBeDefined();
  });
});

describe('undelivered releases', () => {
  it('a caller gone after the release was recorded: the record is forgotten and the token put back, so its retry redeems it', async () => {
    const v = await vaultWithProcessors();
    const { token } = await outstandingToken(v);
    let calls = 0;
    // Still there when the token is taken, gone once the release is recorded.
    await expect(v.services.paymentTokens.redeem(processor('xero-payments'), { token }, () => ++calls < 2)).rejects.toMatchObject({ code: 'token_not_found' });
    await expect(redeemWith(v, token)).resolves.toBeDefined();
    expect(await refusal(redeemWith(v, token))).toMatchObject({ code: 'token_not_found' });
  });
});
