/**
 * Typed errors with stable codes. Every failure the vault reports is one of these; `http/problem.ts` maps them
 * to `application/problem+json` in one place. Messages are fixed per code and never carry input, so no PAN,
 * CVC or key material can reach a response or a log through an error.
 */

export type ClientErrorCode =
  | 'invalid_request'
  | 'duplicate_member'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'card_not_found'
  | 'billing_profile_not_found'
  | 'token_not_found'
  | 'idempotency_key_reused'
  | 'billing_profile_in_use'
  | 'card_limit_reached'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'card_number_invalid'
  | 'card_expired'
  | 'expiry_invalid'
  | 'cvc_invalid'
  | 'processor_unknown'
  | 'jwks_invalid'
  | 'partner_unknown'
  | 'partner_disabled'
  | 'invoice_invalid'
  | 'currency_invalid'
  | 'amount_invalid'
  | 'payments_disabled'
  | 'direct_cvc_not_allowed'
  | 'invoice_unsigned'
  | 'rate_limited'
  | 'export_not_found'
  | 'approver_is_requester'
  | 'export_expired'
  | 'export_not_pending'
  | 'invoice_already_paid'
  | 'payment_session_not_found'
  | 'payment_session_closed';

export type ServerErrorCode = 'service_unavailable' | 'internal';

export type ErrorCode = ClientErrorCode | ServerErrorCode;

export interface FieldProblem {
  /** JSON path of the offending field, e.g. `number` or `billingAddress.country`. */
  readonly path: string;
  /** A stable, machine-readable reason such as `required`, `invalid_type`, `unknown_field`. */
  readonly code: string;
}

const STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_request: 400,
  duplicate_member: 400,
  unauthenticated: 401,
  forbidden: 403,
  payments_disabled: 403,
  direct_cvc_not_allowed: 403,
  not_found: 404,
  card_not_found: 404,
  billing_profile_not_found: 404,
  token_not_found: 404,
  idempotency_key_reused: 409,
  billing_profile_in_use: 409,
  card_limit_reached: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  card_number_invalid: 422,
  card_expired: 422,
  expiry_invalid: 422,
  cvc_invalid: 422,
  processor_unknown: 422,
  jwks_invalid: 422,
  partner_unknown: 422,
  partner_disabled: 422,
  invoice_invalid: 422,
  invoice_unsigned: 422,
  currency_invalid: 422,
  amount_invalid: 422,
  rate_limited: 429,
  export_not_found: 404,
  approver_is_requester: 403,
  export_expired: 409,
  export_not_pending: 409,
  invoice_already_paid: 409,
  payment_session_not_found: 404,
  payment_session_closed: 409,
  internal: 500,
  service_unavailable: 503,
};

const TITLE: Readonly<Record<ErrorCode, string>> = {
  invalid_request: 'The request is malformed.',
  duplicate_member: 'A JSON object in the body names the same member twice.',
  unauthenticated: 'The caller could not be authenticated.',
  forbidden: 'The caller may not do this.',
  payments_disabled: 'Payments are disabled for this tenant or group.',
  direct_cvc_not_allowed: 'This caller may not send a security code; open a payment session instead.',
  not_found: 'No such resource.',
  card_not_found: 'No such card.',
  billing_profile_not_found: 'No such billing profile.',
  token_not_found: 'No such payment token.',
  idempotency_key_reused: 'The Idempotency-Key was used with a different request.',
  billing_profile_in_use: 'The billing profile is used by a card.',
  card_limit_reached: 'The user already has the most cards allowed.',
  payload_too_large: 'The request body is too large.',
  unsupported_media_type: 'The request body must be application/json.',
  card_number_invalid: 'The card number is not valid.',
  card_expired: 'The card has expired.',
  expiry_invalid: 'The expiry date is not valid.',
  cvc_invalid: 'The security code is not valid.',
  processor_unknown: 'The payment processor is unknown or disabled.',
  jwks_invalid: 'The JWKS holds a key that is not acceptable.',
  partner_unknown: 'The invoice partner is unknown.',
  partner_disabled: 'The invoice partner is disabled.',
  invoice_invalid: 'The invoice is not a valid signed invoice of its partner.',
  invoice_unsigned: 'An unsigned invoice is refused in production; open a payment session with a partner-signed invoice.',
  currency_invalid: 'The currency is not valid.',
  amount_invalid: 'The amount is not valid.',
  rate_limited: 'Too many requests; retry later.',
  export_not_found: 'No such export request.',
  approver_is_requester: 'An export must be approved by another admin than the one who requested it.',
  export_expired: 'The export request expired before it was approved.',
  export_not_pending: 'The export request was already decided.',
  invoice_already_paid: 'This invoice is already paid, or a payment for it is under way.',
  payment_session_not_found: 'No such payment session.',
  payment_session_closed: 'The payment session is no longer open.',
  internal: 'Internal error.',
  service_unavailable: 'A dependency is unavailable; nothing was written.',
};

export abstract class VaultError extends Error {
  abstract readonly code: ErrorCode;
  get status(): number {
    return STATUS[this.code];
  }
  get title(): string {
    return TITLE[this.code];
  }
}

/** A 4xx: the caller can fix it. */
export class ClientError extends VaultError {
  override readonly name = 'ClientError';
  constructor(
    readonly code: ClientErrorCode,
    readonly errors: readonly FieldProblem[] = [],
    /** Seconds, for `rate_limited`. */
    readonly retryAfter?: number,
  ) {
    super(TITLE[code]);
  }
}

/**
 * A 5xx. `cause` is kept for the server log only (after redaction); it never reaches a response.
 */
export class ServerError extends VaultError {
  override readonly name = 'ServerError';
  constructor(
    readonly code: ServerErrorCode,
    readonly dependency?: 'postgres' | 'redis' | 'keyring' | 'config',
    options?: { cause?: unknown },
  ) {
    super(TITLE[code], options);
  }
}

/** A dependency outage is usually short (a KMS throttle, a Redis failover): a client may try again after this. */
export const SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = 1;

/** Seconds a caller should wait before trying again, if the error says (429 rate limits, 503 outages). */
export function retryAfterOf(error: VaultError): number | undefined {
  if (error instanceof ClientError) return error.retryAfter;
  return error.code === 'service_unavailable' ? SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS : undefined;
}

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

export function titleOf(code: ErrorCode): string {
  return TITLE[code];
}
