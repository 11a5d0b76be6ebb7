import * as grpc from '@grpc/grpc-js';
import { ClientError, retryAfterOf, titleOf, type ErrorCode, type VaultError } from '../errors/vault-error.ts';

/** The one mapping from the vault's error codes to gRPC status codes (README "gRPC"). */
const STATUS: Readonly<Record<ErrorCode, grpc.status>> = {
  invalid_request: grpc.status.INVALID_ARGUMENT,
  duplicate_member: grpc.status.INVALID_ARGUMENT,
  payload_too_large: grpc.status.INVALID_ARGUMENT,
  unsupported_media_type: grpc.status.INVALID_ARGUMENT,
  card_number_invalid: grpc.status.INVALID_ARGUMENT,
  card_expired: grpc.status.FAILED_PRECONDITION,
  expiry_invalid: grpc.status.INVALID_ARGUMENT,
  cvc_invalid: grpc.status.INVALID_ARGUMENT,
  processor_unknown: grpc.status.FAILED_PRECONDITION,
  jwks_invalid: grpc.status.INVALID_ARGUMENT,
  partner_unknown: grpc.status.FAILED_PRECONDITION,
  partner_disabled: grpc.status.FAILED_PRECONDITION,
  invoice_invalid: grpc.status.INVALID_ARGUMENT,
  invoice_unsigned: grpc.status.FAILED_PRECONDITION,
  currency_invalid: grpc.status.INVALID_ARGUMENT,
  amount_invalid: grpc.status.INVALID_ARGUMENT,
  unauthenticated: grpc.status.UNAUTHENTICATED,
  forbidden: grpc.status.PERMISSION_DENIED,
  payments_disabled: grpc.status.FAILED_PRECONDITION,
  direct_cvc_not_allowed: grpc.status.PERMISSION_DENIED,
  not_found: grpc.status.NOT_FOUND,
  card_not_found: grpc.status.NOT_FOUND,
  billing_profile_not_found: grpc.status.NOT_FOUND,
  token_not_found: grpc.status.NOT_FOUND,
  idempotency_key_reused: grpc.status.ABORTED,
  billing_profile_in_use: grpc.status.FAILED_PRECONDITION,
  card_limit_reached: grpc.status.RESOURCE_EXHAUSTED,
  rate_limited: grpc.status.RESOURCE_EXHAUSTED,
  export_not_found: grpc.status.NOT_FOUND,
  approver_is_requester: grpc.status.PERMISSION_DENIED,
  export_expired: grpc.status.FAILED_PRECONDITION,
  export_not_pending: grpc.status.FAILED_PRECONDITION,
  invoice_already_paid: grpc.status.ALREADY_EXISTS,
  payment_session_not_found: grpc.status.NOT_FOUND,
  payment_session_closed: grpc.status.FAILED_PRECONDITION,
  internal: grpc.status.INTERNAL,
  service_unavailable: grpc.status.UNAVAILABLE,
};

/**
 * A VaultError as a gRPC error: the status, the error's fixed title as details (never input), and in trailing
 * metadata the vault's code (`vault-error-code`), its field errors as JSON (`vault-field-errors`), a retry delay
 * in seconds (`retry-after`) and the request id.
 */
export function toServiceError(error: VaultError, requestId: string): grpc.StatusObject {
  const metadata = new grpc.Metadata();
  metadata.set('vault-error-code', error.code);
  metadata.set('x-request-id', requestId);
  if (error instanceof ClientError) {
    if (error.errors.length > 0) metadata.set('vault-field-errors', JSON.stringify(error.errors));
  }
  const retryAfter = retryAfterOf(error);
  if (retryAfter !== undefined) metadata.set('retry-after', String(retryAfter));
  return { code: STATUS[error.code], details: titleOf(error.code), metadata };
}
