import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { mintDevAssertion, type AssertionClaims } from '../../services/vault/src/dev/dev-assertion.ts';
import type { VaultClient } from '../../services/vault/src/grpc/generated/vault/v1/Vault.ts';
import { LOADER_OPTIONS, VAULT_PROTO } from '../../services/vault/src/grpc/proto-definition.ts';
import { call, vaultClient } from './grpc-client.ts';
import { serviceOf, type TestVault } from './test-vault.ts';

/**
 * The vault's internal API as logical calls, over HTTP and over gRPC, each answering one normalized outcome, so
 * a test can run the same call over both transports and compare (transport-parity.test.ts). Inputs are written
 * as the JSON API takes them (camelCase members, JSON null); the gRPC side maps them onto the request message.
 */
export interface Outcome {
  readonly ok: boolean;
  /** `ok`, the vault's error code, or `http:<status>` / `grpc:<STATUS>` when the answer carries no vault code. */
  readonly code: string;
  /** The transport's own status (`HTTP 422`, `INVALID_ARGUMENT`), for messages. */
  readonly status: string;
  readonly body?: any;
  /** Answered from an idempotency record (`Idempotent-Replayed: true` / `idempotent-replayed: true`). */
  readonly replayed?: boolean;
  /** Seconds, from `Retry-After` / the `retry-after` trailer. */
  readonly retryAfter?: number;
  /** Field problems: the problem document's `errors` / the `vault-field-errors` trailer. */
  readonly errors?: unknown;
  readonly requestId: string;
}

export interface CallAs {
  /** The example client certificate the call presents (`account-settings`, `admin`, `processor-xero-payments`…). */
  readonly as?: string;
  /** The user the call acts for: an assertion is minted for it, bound (azp) to the calling service. */
  readonly user?: AssertionClaims;
  /** An `authorization` value sent as is (a forged or foreign assertion), instead of one minted for `user`. */
  readonly authorization?: string;
  readonly idempotencyKey?: string;
  /** The call's `x-request-id` (a UUID); one is made when absent. */
  readonly requestId?: string;
}

type Json = Record<string, unknown>;

export interface Transport {
  readonly name: 'http' | 'grpc';
  /** The same transport with `defaults` under every call's own options (e.g. the request id of a test's call). */
  bind(defaults: CallAs): Transport;
  createCardSession(c: CallAs, body?: Json): Promise<Outcome>;
  listCards(c: CallAs, query?: { limit?: number; startingAfter?: string }): Promise<Outcome>;
  getCard(c: CallAs, id: string): Promise<Outcome>;
  updateCard(c: CallAs, id: string, changes: Json): Promise<Outcome>;
  deleteCard(c: CallAs, id: string): Promise<Outcome>;
  createBillingProfile(c: CallAs, address: Json): Promise<Outcome>;
  getBillingProfile(c: CallAs, id: string): Promise<Outcome>;
  issueToken(c: CallAs, body: Json): Promise<Outcome>;
  createPaymentSession(c: CallAs, body: Json): Promise<Outcome>;
  redeem(c: CallAs, body: Json): Promise<Outcome>;
  setTenantPayments(c: CallAs, tenantId: string, body: Json): Promise<Outcome>;
  setGroupPayments(c: CallAs, tenantId: string, groupId: string, body: Json): Promise<Outcome>;
  getPaymentSettings(c: CallAs, tenantId: string, groupId: string): Promise<Outcome>;
  putProcessor(c: CallAs, id: string, body: Json): Promise<Outcome>;
  listProcessors(c: CallAs): Promise<Outcome>;
  putPartner(c: CallAs, id: string, body: Json): Promise<Outcome>;
  listPartners(c: CallAs): Promise<Outcome>;
  close(): void;
}

/** Each call's default calling service: the one that holds its scope. */
const DEFAULT_AS = {
  createCardSession: 'account-settings',
  listCards: 'account-settings',
  getCard: 'account-settings',
  updateCard: 'account-settings',
  deleteCard: 'account-settings',
  createBillingProfile: 'account-settings',
  getBillingProfile: 'account-settings',
  issueToken: 'payment-flow',
  createPaymentSession: 'payment-flow',
  redeem: 'processor-xero-payments',
  setTenantPayments: 'admin',
  setGroupPayments: 'admin',
  getPaymentSettings: 'admin',
  putProcessor: 'admin',
  listProcessors: 'admin',
  putPartner: 'admin',
  listPartners: 'admin',
} as const satisfies Record<Exclude<keyof Transport, 'name' | 'bind' | 'close'>, string>;

/** Assertions, minted once a minute per (user, service): both transports present the same kind of token. */
const minted = new Map<string, { token: string; at: number }>();
async function authorizationOf(c: CallAs, as: string): Promise<string | undefined> {
  if (c.authorization !== undefined) return c.authorization;
  if (!c.user) return undefined;
  const claims = { azp: serviceOf(as), ...c.user };
  const key = JSON.stringify([claims.sub, claims.tid, claims.gid ?? null, claims.azp]);
  const hit = minted.get(key);
  if (hit && Date.now() - hit.at < 60_000) return `Bearer ${hit.token}`;
  const token = await mintDevAssertion(claims);
  minted.set(key, { token, at: Date.now() });
  return `Bearer ${token}`;
}

/** The call context as header/metadata entries. */
async function contextOf(c: CallAs, as: string): Promise<{ requestId: string; entries: Record<string, string> }> {
  const requestId = c.requestId ?? randomUUID();
  const authorization = await authorizationOf(c, as);
  return {
    requestId,
    entries: {
      'x-request-id': requestId,
      ...(authorization !== undefined ? { authorization } : {}),
      ...(c.idempotencyKey !== undefined ? { 'idempotency-key': c.idempotencyKey } : {}),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

export function httpTransport(v: TestVault, defaults: CallAs = {}): Transport {
  const send = async (name: keyof typeof DEFAULT_AS, c0: CallAs, method: string, path: string, body?: unknown): Promise<Outcome> => {
    const c = { ...defaults, ...c0 };
    const as = c.as ?? DEFAULT_AS[name];
    const { requestId, entries } = await contextOf(c, as);
    const res = await v.internal(path, { as, method, headers: entries, ...(body !== undefined ? { body } : {}) });
    const ok = res.status < 400;
    const retryAfter = res.headers['retry-after'];
    return {
      ok,
      code: ok ? 'ok' : typeof res.json?.code === 'string' ? res.json.code : `http:${res.status}`,
      status: `HTTP ${res.status}`,
      body: res.json,
      replayed: res.headers['idempotent-replayed'] === 'true',
      ...(retryAfter !== undefined ? { retryAfter: Number(retryAfter) } : {}),
      ...(!ok && res.json?.errors !== undefined ? { errors: res.json.errors } : {}),
      requestId,
    };
  };
  const seg = encodeURIComponent;
  return {
    name: 'http',
    bind: (more) => httpTransport(v, { ...defaults, ...more }),
    createCardSession: (c, body = {}) => send('createCardSession', c, 'POST', '/v1/card-sessions', body),
    listCards: (c, query = {}) => {
      const q = new URLSearchParams(Object.entries(query).map(([k, x]): [string, string] => [k, String(x)])).toString();
      return send('listCards', c, 'GET', `/v1/cards${q ? `?${q}` : ''}`);
    },
    getCard: (c, id) => send('getCard', c, 'GET', `/v1/cards/${seg(id)}`),
    updateCard: (c, id, changes) => send('updateCard', c, 'PATCH', `/v1/cards/${seg(id)}`, changes),
    deleteCard: (c, id) => send('deleteCard', c, 'DELETE', `/v1/cards/${seg(id)}`),
    createBillingProfile: (c, address) => send('createBillingProfile', c, 'POST', '/v1/billing-profiles', address),
    getBillingProfile: (c, id) => send('getBillingProfile', c, 'GET', `/v1/billing-profiles/${seg(id)}`),
    issueToken: (c, body) => send('issueToken', c, 'POST', '/v1/payment-tokens', body),
    createPaymentSession: (c, body) => send('createPaymentSession', c, 'POST', '/v1/payment-sessions', body),
    redeem: (c, body) => send('redeem', c, 'POST', '/v1/payment-tokens/redeem', body),
    setTenantPayments: (c, tid, body) => send('setTenantPayments', c, 'PUT', `/v1/tenants/${seg(tid)}/payment-settings`, body),
    setGroupPayments: (c, tid, gid, body) => send('setGroupPayments', c, 'PUT', `/v1/tenants/${seg(tid)}/groups/${seg(gid)}/payment-settings`, body),
    getPaymentSettings: (c, tid, gid) => send('getPaymentSettings', c, 'GET', `/v1/tenants/${seg(tid)}/groups/${seg(gid)}/payment-settings`),
    putProcessor: (c, id, body) => send('putProcessor', c, 'PUT', `/v1/processors/${seg(id)}`, body),
    listProcessors: (c) => send('listProcessors', c, 'GET', '/v1/processors'),
    putPartner: (c, id, body) => send('putPartner', c, 'PUT', `/v1/partners/${seg(id)}`, body),
    listPartners: (c) => send('listPartners', c, 'GET', '/v1/partners'),
    close: () => {},
  };
}

// ---------------------------------------------------------------------------------------------------------------
// gRPC

const definition = protoLoader.loadSync(VAULT_PROTO, LOADER_OPTIONS);

interface FieldDescriptor {
  readonly name: string;
  readonly number: number;
  readonly label: string;
  readonly type: string;
  readonly typeName: string;
}

const messageFields = (typeName: string): readonly FieldDescriptor[] =>
  ((definition[`vault.v1.${typeName}`] as unknown as { type: { field: FieldDescriptor[] } } | undefined)?.type.field ?? []);

const INTEGER_TYPES = new Set(['TYPE_INT32', 'TYPE_INT64', 'TYPE_UINT32', 'TYPE_UINT64', 'TYPE_SINT32', 'TYPE_SINT64']);

/** Whether protobuf can carry `value` in `field` as it is (no coercion by the client library). */
function fits(field: FieldDescriptor, value: unknown, repeatedItem = false): boolean {
  if (field.label === 'LABEL_REPEATED' && !repeatedItem) return Array.isArray(value) && value.every((x) => fits(field, x, true));
  if (field.type === 'TYPE_STRING') return typeof value === 'string';
  if (field.type === 'TYPE_BOOL') return typeof value === 'boolean';
  if (INTEGER_TYPES.has(field.type)) return Number.isSafeInteger(value);
  if (field.type === 'TYPE_MESSAGE') return typeof value === 'object' && value !== null && !Array.isArray(value) && unfit(field.typeName, value as Json).length === 0;
  return false;
}

/** The members of `value` the message `typeName` cannot carry as they are: unknown, or of another type. */
function unfit(typeName: string, value: Json): string[] {
  const fields = messageFields(typeName);
  return Object.entries(value)
    .filter(([, x]) => x !== undefined)
    .filter(([k, x]) => {
      const field = fields.find((f) => f.name === k);
      return !field || !fits(field, x);
    })
    .map(([k]) => k);
}

const varint = (n: number): number[] => {
  const out: number[] = [];
  let x = BigInt(n);
  do {
    const low = Number(x & 0x7fn);
    x >>= 7n;
    out.push(x > 0n ? low | 0x80 : low);
  } while (x > 0n);
  return out;
};

/**
 * What a client that does not go through the generated types puts on the wire for members the message cannot
 * carry: an unknown member as a field number the message does not declare (length-delimited, its JSON), a
 * member of the wrong type with the wire type its value has (an integer as a varint, anything else
 * length-delimited) under the declared field number. Only top-level members: protobuf.js replaces, rather than
 * merges, an embedded message that occurs twice, so a nested bad member cannot be appended this way.
 */
function wireOf(typeName: string, member: string, value: unknown, unknownNumber: number): Buffer {
  const field = messageFields(typeName).find((f) => f.name === member);
  const number = field?.number ?? unknownNumber;
  if (field?.type === 'TYPE_MESSAGE') throw new Error(`${typeName}.${member}: a bad nested member cannot be sent over gRPC by this test client`);
  if (Number.isInteger(value) && (value as number) >= 0) return Buffer.from([...varint((number << 3) | 0), ...varint(value as number)]);
  const bytes = Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
  return Buffer.concat([Buffer.from([...varint((number << 3) | 2), ...varint(bytes.length)]), bytes]);
}

const METHOD_OF = {
  createCardSession: 'CreateCardSession',
  listCards: 'ListCards',
  getCard: 'GetCard',
  updateCard: 'UpdateCard',
  deleteCard: 'DeleteCard',
  createBillingProfile: 'CreateBillingProfile',
  getBillingProfile: 'GetBillingProfile',
  issueToken: 'IssuePaymentToken',
  createPaymentSession: 'CreatePaymentSession',
  redeem: 'RedeemPaymentToken',
  setTenantPayments: 'SetTenantPaymentSettings',
  setGroupPayments: 'SetGroupPaymentSettings',
  getPaymentSettings: 'GetPaymentSettings',
  putProcessor: 'PutProcessor',
  listProcessors: 'ListProcessors',
  putPartner: 'PutPartner',
  listPartners: 'ListPartners',
} as const satisfies Record<keyof typeof DEFAULT_AS, string>;

type VaultMethod = (typeof METHOD_OF)[keyof typeof METHOD_OF];

interface MethodDefinition {
  readonly path: string;
  readonly requestSerialize: (value: object) => Buffer;
  readonly responseDeserialize: (bytes: Buffer) => unknown;
  readonly requestType: { readonly type: { readonly name: string } };
}
const methodDefinition = (method: VaultMethod) => (definition['vault.v1.Vault'] as unknown as Record<string, MethodDefinition>)[method]!;

/** An optional string of an update set to JSON null is sent as "" (README "gRPC"). */
const nullAsEmpty = (changes: Json): Json => Object.fromEntries(Object.entries(changes).map(([k, x]) => [k, x === null ? '' : x]));

export function grpcTransport(v: TestVault, defaults: CallAs = {}, clients = new Map<string, VaultClient>()): Transport {
  const clientFor = (as: string) => {
    let client = clients.get(as);
    if (!client) clients.set(as, (client = vaultClient(v.grpcTarget, as)));
    return client;
  };

  /** A well-typed request goes through the generated client; one it cannot express, as raw bytes (wireOf). */
  const send = async (name: keyof typeof DEFAULT_AS, c0: CallAs, request: Json): Promise<Outcome> => {
    const c = { ...defaults, ...c0 };
    const as = c.as ?? DEFAULT_AS[name];
    const method = METHOD_OF[name];
    const { requestId, entries } = await contextOf(c, as);
    const client = clientFor(as);
    const def = methodDefinition(method);
    const typeName = def.requestType.type.name;
    const bad = unfit(typeName, request);
    const result =
      bad.length === 0
        ? await call<unknown>(client, method, request, entries)
        : await rawCall(client, def, Buffer.concat([def.requestSerialize(Object.fromEntries(Object.entries(request).filter(([k]) => !bad.includes(k)))), ...bad.map((k, i) => wireOf(typeName, k, request[k], 1000 + i))]), entries);
    const { error } = result;
    const trailer = (key: string) => error?.metadata?.get(key)[0]?.toString();
    const retryAfter = trailer('retry-after');
    const fieldErrors = trailer('vault-field-errors');
    return {
      ok: !error,
      code: error ? (result.vaultCode ?? `grpc:${grpc.status[error.code]}`) : 'ok',
      status: error ? grpc.status[error.code] : 'OK',
      body: result.value,
      // In the response header, or for a replayed refusal, wherever the server put it.
      replayed: (result.header['idempotent-replayed'] ?? trailer('idempotent-replayed')) === 'true',
      ...(retryAfter !== undefined ? { retryAfter: Number(retryAfter) } : {}),
      ...(fieldErrors !== undefined ? { errors: JSON.parse(fieldErrors) } : {}),
      requestId,
    };
  };

  return {
    name: 'grpc',
    bind: (more) => grpcTransport(v, { ...defaults, ...more }, clients),
    createCardSession: (c, body = {}) => send('createCardSession', c, body),
    listCards: (c, query = {}) => send('listCards', c, query),
    getCard: (c, id) => send('getCard', c, { id }),
    updateCard: (c, id, changes) => send('updateCard', c, { id, ...nullAsEmpty(changes) }),
    deleteCard: (c, id) => send('deleteCard', c, { id }),
    createBillingProfile: (c, address) => send('createBillingProfile', c, { address }),
    getBillingProfile: (c, id) => send('getBillingProfile', c, { id }),
    issueToken: (c, body) => send('issueToken', c, body),
    createPaymentSession: (c, body) => send('createPaymentSession', c, body),
    redeem: (c, body) => send('redeem', c, body),
    setTenantPayments: (c, tenantId, body) => send('setTenantPayments', c, { tenantId, ...body }),
    setGroupPayments: (c, tenantId, groupId, body) => send('setGroupPayments', c, { tenantId, groupId, ...body }),
    getPaymentSettings: (c, tenantId, groupId) => send('getPaymentSettings', c, { tenantId, groupId }),
    putProcessor: (c, id, body) => send('putProcessor', c, { id, ...body }),
    listProcessors: (c) => send('listProcessors', c, {}),
    putPartner: (c, id, body) => send('putPartner', c, { id, ...body }),
    listPartners: (c) => send('listPartners', c, {}),
    close: () => {
      for (const client of clients.values()) client.close();
      clients.clear();
    },
  };
}

/** One unary call with a request already encoded (what `call` of grpc-client.ts answers, for raw bytes). */
function rawCall(client: VaultClient, def: MethodDefinition, bytes: Buffer, entries: Record<string, string>) {
  const md = new grpc.Metadata();
  for (const [k, x] of Object.entries(entries)) md.set(k, x);
  const flat = (m: grpc.Metadata | undefined) => Object.fromEntries(Object.entries(m?.getMap() ?? {}).map(([k, x]) => [k, String(x)]));
  return new Promise<{ error: grpc.ServiceError | null; value: unknown; header: Record<string, string>; vaultCode: string | undefined }>((resolve) => {
    let header: Record<string, string> = {};
    const c = (client as unknown as grpc.Client).makeUnaryRequest(def.path, (b: Buffer) => b, def.responseDeserialize, bytes, md, {}, (error, value) => {
      resolve({ error, value, header, vaultCode: error ? flat(error.metadata)['vault-error-code'] : undefined });
    });
    c.on('metadata', (m: grpc.Metadata) => (header = flat(m)));
  });
}
