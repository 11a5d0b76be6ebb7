import type { ZodType } from 'zod';
import type { WriteOutcome } from '../idempotency/write-outcome.ts';
import type { Actor, ServiceActor } from '../identity/actor.ts';
import type { Scope } from '../identity/scopes.ts';

/** How long a remembered outcome lives: a card-entry session's life, a payment session's, a payment token's, or a day. */
export type OutcomeLife = 'card-session' | 'payment-session' | 'payment-token' | 'day';

/**
 * How a repeat with the same idempotency key is answered: from a record kept in `database` (committed with the
 * operation's PostgreSQL write) or in `redis` (for an operation that writes only to Redis), or `never` (reads,
 * updates that are idempotent by nature, and redeem — single use, and its answer holds card data).
 */
export type OperationIdempotency = 'never' | { readonly store: 'database' | 'redis'; readonly life: OutcomeLife };

/** One operation's policy, whichever transport carries it: what admission and the idempotency runner read. */
export interface OperationPolicy {
  /** Stable name: audit target of a refused call, log and metric label, the idempotency record's operation. */
  readonly name: string;
  /** The one scope a calling service needs. */
  readonly scope: Scope;
  /** Whether the call acts for a user (a verified user assertion bound to the calling service). */
  readonly user: boolean;
  readonly idempotency: OperationIdempotency;
  /** The audit actions the operation's service writes when it runs (success and its own refusals). */
  readonly audits: readonly string[];
}

/**
 * The HTTP binding: method and path (`:name` segments are path parameters, named as the gRPC request's fields),
 * the status of a success (204 answers no body), and where a read takes its input (`query`: the query string).
 */
export interface HttpBinding {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  readonly path: `/v1/${string}`;
  readonly status: 200 | 201 | 204;
  readonly input?: 'body' | 'query';
}

/**
 * The gRPC binding: the `vault.v1.Vault` method; `nullable`: request fields where "" (an unset optional string)
 * stands for JSON null; `toInput`: a request's fields as the HTTP input would carry them, where the two differ
 * (a number that arrives over HTTP as a query-string text).
 */
export interface GrpcBinding {
  readonly method: string;
  readonly nullable?: readonly string[];
  readonly toInput?: (fields: Record<string, unknown>) => Record<string, unknown>;
}

/** What an operation's service call gets from either transport, already admitted. */
export interface OperationCall {
  /** The calling service. */
  readonly service: ServiceActor;
  /** The user the call acts for (operations with `user: true` only; admission guarantees one). */
  actor(): Actor;
  /** Path parameters by name (HTTP: from the path; gRPC: the request fields of those names), "" when absent. */
  readonly params: Readonly<Record<string, string>>;
  /** The input: the JSON body (or query) over HTTP, the other request fields over gRPC. */
  readonly input: unknown;
  /** The outcome of an idempotent database write, to hand to the service (undefined without a key). */
  writeOutcome(): WriteOutcome<never> | undefined;
  /** Whether the caller can still receive the answer (it has not hung up, its deadline has not passed). */
  stillWanted(): boolean;
}

/**
 * One operation of the internal API, defined once: its policy, its HTTP and gRPC bindings, its input schema (for
 * the OpenAPI document; the service itself parses its input) and the service call both transports make. `S` is
 * the services object the call runs on.
 */
export interface OperationDefinition<S> extends OperationPolicy {
  readonly http: HttpBinding;
  readonly grpc: GrpcBinding;
  /** The input's schema (body, or query for `input: 'query'`); absent when the operation takes none. */
  readonly schema?: ZodType;
  /** One line for the OpenAPI document. */
  readonly summary: string;
  readonly run: (services: S, call: OperationCall) => Promise<unknown>;
}

/** The path parameters of a binding's path, in order (`/v1/tenants/:tenantId/groups/:groupId` → tenantId, groupId). */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z][A-Za-z0-9]*)/g)].map((m) => m[1]!);
}

/**
 * Freezes a table of operation definitions, each with its own name in it. The key is the operation's name; a
 * transport passes the entry, and the name travels with it.
 */
export function operationTable<S, T extends Record<string, Omit<OperationDefinition<S>, 'name'>>>(table: T): { readonly [K in keyof T]: T[K] & { readonly name: K } } {
  return Object.freeze(Object.fromEntries(Object.entries(table).map(([name, definition]) => [name, Object.freeze({ name, ...definition })]))) as never;
}
