import { describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../../services/vault/src/audit/audit-event.ts';
import { ClientError } from '../../services/vault/src/errors/vault-error.ts';
import { DEFAULT_SERVICE_SCOPES, SCOPES } from '../../services/vault/src/identity/scopes.ts';
import type { UserAssertionVerifier, UserContext } from '../../services/vault/src/identity/user-assertion.ts';
import { Admission } from '../../services/vault/src/operations/admission.ts';
import { IdempotentCalls } from '../../services/vault/src/operations/idempotent-calls.ts';
import { OPERATIONS, type OperationName } from '../../services/vault/src/wiring/operation-table.ts';

/** The transport-neutral policy: the table, admission and the idempotency scope, without HTTP or gRPC. */
const ALICE: UserContext = { userId: 'alice', tenantId: 't1', groupId: 'sales' };
const verifier = { verify: async (authorization: string | undefined) => {
  if (authorization !== 'Bearer good') throw new Error('bad assertion');
  return ALICE;
} } as unknown as UserAssertionVerifier;

function admission() {
  const events: AuditEventInput[] = [];
  const a = new Admission({ serviceScopes: DEFAULT_SERVICE_SCOPES, verifier, audit: { append: async (e) => void events.push(e), appendAll: async (es) => void events.push(...es) } });
  return { a, events };
}

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ClientError);
  return (err as ClientError).code;
};

describe('the operation table', () => {
  const all = Object.values(OPERATIONS);

  it('names each entry by its key, and every scope is needed by some operation', () => {
    for (const [key, op] of Object.entries(OPERATIONS)) expect(op.name).toBe(key);
    expect(new Set(all.map((op) => op.scope))).toEqual(new Set(SCOPES));
  });

  it('every operation can be called by some default service (no dead policy)', () => {
    for (const op of all) expect(Object.values(DEFAULT_SERVICE_SCOPES).some((scopes) => scopes.includes(op.scope)), op.name).toBe(true);
  });

  it('only creations replay: PostgreSQL writes from the database, the token issue from Redis; redeem never', () => {
    const replayed = all.filter((op) => op.idempotency !== 'never').map((op) => [op.name, op.idempotency]);
    expect(Object.fromEntries(replayed)).toEqual({
      'card_sessions.create': { store: 'database', life: 'card-session' },
      'billing_profiles.create': { store: 'database', life: 'day' },
      'payment_sessions.create': { store: 'database', life: 'payment-session' },
      'payment_tokens.issue': { store: 'redis', life: 'payment-token' },
    });
    expect(OPERATIONS['payment_tokens.redeem'].idempotency).toBe('never');
  });

  it('user operations are exactly those on a user’s cards, profiles, sessions and tokens — and card exports, where the "user" is the admin person the two-person rule compares', () => {
    const forUsers = all.filter((op) => op.user).map((op) => op.name.split('.')[0]);
    expect(new Set(forUsers)).toEqual(new Set(['card_sessions', 'cards', 'billing_profiles', 'payment_tokens', 'payment_sessions', 'exports']));
    expect(all.filter((op) => op.name.startsWith('exports.')).every((op) => op.scope === 'exports:admin')).toBe(true);
    expect(OPERATIONS['payment_tokens.redeem'].user).toBe(false);
  });

  it('is frozen: a transport cannot loosen a policy at run time', () => {
    expect(() => Object.assign(OPERATIONS['cards.list'] as object, { scope: 'cards:write' })).toThrow();
    expect(Object.isFrozen(OPERATIONS)).toBe(true);
  });
});

describe('admission', () => {
  const caller = (service: string | null, authorization?: string) => ({ service, authorization, requestId: 'req-1' });

  it('admits a service holding the scope, with the user from a valid assertion', async () => {
    const { a, events } = admission();
    await expect(a.admit(OPERATIONS['cards.list'], caller('account-settings', 'Bearer good'))).resolves.toEqual({
      serviceActor: { service: 'account-settings', requestId: 'req-1' },
      actor: { service: 'account-settings', requestId: 'req-1', user: ALICE },
    });
    expect(events).toEqual([]);
  });

  it('a service operation needs no assertion and gets no user', async () => {
    const { a } = admission();
    await expect(a.admit(OPERATIONS['payment_tokens.redeem'], caller('processor/xero-payments'))).resolves.toEqual({ serviceActor: { service: 'processor/xero-payments', requestId: 'req-1' } });
  });

  it('refuses and audits: a scope the service lacks, no service at all, a bad or missing assertion', async () => {
    const cases: Array<[OperationName, ReturnType<typeof caller>, string, string]> = [
      ['payment_tokens.issue', caller('account-settings', 'Bearer good'), 'forbidden', 'account-settings'],
      ['processors.put', caller('processor/xero-payments'), 'forbidden', 'processor/xero-payments'],
      ['cards.list', caller(null, 'Bearer good'), 'forbidden', 'unknown'],
      ['cards.list', caller('account-settings', 'Bearer forged'), 'unauthenticated', 'account-settings'],
      ['cards.list', caller('account-settings'), 'unauthenticated', 'account-settings'],
    ];
    for (const [name, who, code, actorService] of cases) {
      const { a, events } = admission();
      expect(await refusal(a.admit(OPERATIONS[name], who)), name).toBe(code);
      expect(events).toEqual([{ action: 'request.denied', outcome: 'denied', actorService, requestId: 'req-1', target: name, reason: code }]);
    }
  });

  it('checks the scope before the assertion: a forbidden call never reaches the verifier', async () => {
    let verified = 0;
    const counting = { verify: async () => (verified++, ALICE) } as unknown as UserAssertionVerifier;
    const a = new Admission({ serviceScopes: DEFAULT_SERVICE_SCOPES, verifier: counting, audit: { append: async () => {}, appendAll: async () => {} } });
    await refusal(a.admit(OPERATIONS['payment_tokens.issue'], caller('account-settings', 'Bearer good')));
    expect(verified).toBe(0);
  });
});

describe('idempotency scope of an admitted call', () => {
  const calls = new IdempotentCalls({
    redis: {} as never,
    database: {} as never,
    logger: {} as never,
    lifeSeconds: { 'card-session': 900, 'payment-session': 600, 'payment-token': 300, day: 86_400 },
  });
  const user = { serviceActor: { service: 'payment-flow', requestId: 'r' }, actor: { service: 'payment-flow', requestId: 'r', user: ALICE } };

  it('is the whole caller (service, tenant, user, group), kept where and as long as the table says', () => {
    expect(calls.scopeOf(OPERATIONS['payment_tokens.issue'], user)).toEqual({ scope: 'payment-flow|t1|alice|sales', store: 'redis', ttlSeconds: 300 });
    expect(calls.scopeOf(OPERATIONS['card_sessions.create'], user)).toEqual({ scope: 'payment-flow|t1|alice|sales', store: 'database', ttlSeconds: 900 });
  });

  it('is none for an operation that never replays', () => {
    expect(calls.scopeOf(OPERATIONS['payment_tokens.redeem'], { serviceActor: { service: 'processor/x', requestId: 'r' } })).toBeNull();
    expect(calls.scopeOf(OPERATIONS['cards.list'], user)).toBeNull();
  });

  it('refuses a malformed key before anything is looked up; no key runs without a record', async () => {
    for (const bad of ['k1', 'short', 'has space in it', 'x'.repeat(129), 'emoji🙂emoji']) expect(() => calls.checkKey(bad), bad).toThrow(ClientError);
    expect(() => calls.checkKey('a-good_key:1.2')).not.toThrow();
    await expect(calls.start(null, undefined, 'any', {}, 'r')).resolves.toMatchObject({ kind: 'run' });
  });
});
