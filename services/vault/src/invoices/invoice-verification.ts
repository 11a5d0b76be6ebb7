import { decodeJwt, decodeProtectedHeader, errors, importJWK, jwtVerify, type JWTPayload } from 'jose';
import { ClientError } from '../errors/vault-error.ts';
import { SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from '../partners/partner-key.ts';
import type { PartnerRecord } from '../partners/partner-repository.ts';
import { PARTNER_ID } from '../partners/partner-service.ts';
import { CURRENCIES } from '../payment-tokens/currencies.ts';
import {
  INVOICE_CLOCK_TOLERANCE_SECONDS,
  INVOICE_TYP,
  MAX_INVOICE_LENGTH,
  type InvoiceCheck,
  type InvoiceClaims,
  type VerifiedInvoice,
} from './invoice-claims.ts';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const SAFE_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Control, format (bidi overrides, zero-width) and separator characters other than the space: a payee name is shown to the user. */
const UNSHOWABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const CLAIMS = new Set(['iss', 'invoice_id', 'amount', 'currency', 'merchant', 'due_date', 'iat', 'exp', 'nbf', 'jti']);

export interface VerifyOptions {
  readonly now: Date;
  /** The largest amount the vault accepts, in minor units (VAULT_MAX_AMOUNT). */
  readonly maxAmount: number;
}

/** The partner an invoice names, or null. */
export type FindPartner = (id: string) => Promise<PartnerRecord | null>;

/** `invoice_invalid`, naming the check that failed at `invoice`. */
function invalid(check: InvoiceCheck): ClientError {
  return new ClientError('invoice_invalid', [{ path: 'invoice', code: check }]);
}

const isAllowed = (alg: unknown): alg is SignatureAlgorithm => (SIGNATURE_ALGORITHMS as readonly unknown[]).includes(alg);

/**
 * Verifies a partner-signed invoice and answers it typed, with the JWS kept as signed. The checks, in order (each
 * refusal is 422 `invoice_invalid` naming its check, unless said otherwise):
 *
 * - Precondition: a compact JWS of at most 8 KiB whose header and payload decode (`format`).
 * - Precondition: the header's `alg` is on the allow-list ES256, EdDSA — so `none` and HS256 (a token "signed" with
 *   the partner's public key as an HMAC secret) never reach a key (`algorithm`); it names a `kid` (`kid`).
 * - Precondition: `iss` is a partner id (`issuer`), registered (422 `partner_unknown`) and enabled (422
 *   `partner_disabled`). The issuer is read before the signature is checked only to choose whose keys to try.
 * - Precondition: the `kid` is one of that partner's keys (`kid`: also another partner's kid), of the header's `alg`
 *   (`algorithm`).
 * - Precondition: the signature verifies under that key, by jose with the allow-list (`signature`); the header's
 *   `typ` is `invoice+jwt` (`format`); `exp` has not passed (`expired`); `nbf` and `iat` are not in the future
 *   (`not_yet_valid`) — each with 60 s of clock tolerance.
 * - Precondition: the claims are exactly the documented ones (`format`): a safe invoice id, a positive integer
 *   amount ≤ maxAmount (`amount`), an ISO 4217 currency (`currency`), a merchant with a safe id and a showable
 *   display name (`merchant`), a real calendar due date (`due_date`).
 */
export async function verifyInvoice(jws: unknown, findPartner: FindPartner, options: VerifyOptions): Promise<VerifiedInvoice> {
  if (typeof jws !== 'string' || jws.length > MAX_INVOICE_LENGTH || !COMPACT_JWS.test(jws)) throw invalid('format');
  let header: ReturnType<typeof decodeProtectedHeader>;
  let unverified: JWTPayload;
  try {
    header = decodeProtectedHeader(jws);
    unverified = decodeJwt(jws);
  } catch {
    throw invalid('format');
  }
  if (!isAllowed(header.alg)) throw invalid('algorithm');
  if (typeof header.kid !== 'string' || header.kid.length === 0) throw invalid('kid');
  if (typeof unverified.iss !== 'string' || !PARTNER_ID.test(unverified.iss)) throw invalid('issuer');

  const partner = await findPartner(unverified.iss);
  if (!partner) throw new ClientError('partner_unknown', [{ path: 'invoice', code: 'partner_unknown' }]);
  if (!partner.enabled) throw new ClientError('partner_disabled', [{ path: 'invoice', code: 'partner_disabled' }]);
  const key = partner.keys.find((k) => k.kid === header.kid);
  if (!key) throw invalid('kid');
  if (key.alg !== header.alg) throw invalid('algorithm');

  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(jws, await importJWK(key.jwk, key.alg), {
      algorithms: [...SIGNATURE_ALGORITHMS],
      issuer: partner.id,
      typ: INVOICE_TYP,
      requiredClaims: ['iat', 'exp'],
      clockTolerance: INVOICE_CLOCK_TOLERANCE_SECONDS,
      currentDate: options.now,
    }));
  } catch (err) {
    throw invalid(checkOf(err));
  }
  return readClaims(claims, jws, partner.id, key.kid, key.alg, options);
}

/** Which check a jose failure is. */
function checkOf(err: unknown): InvoiceCheck {
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'algorithm';
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf' && err.reason === 'check_failed') return 'not_yet_valid';
    if (err.claim === 'iss') return 'issuer';
    return 'format';
  }
  return 'format';
}

function readClaims(claims: JWTPayload, jws: string, partnerId: string, kid: string, alg: SignatureAlgorithm, options: VerifyOptions): VerifiedInvoice {
  const c = claims as Partial<Record<keyof InvoiceClaims, unknown>> & Record<string, unknown>;
  const nowSeconds = options.now.getTime() / 1000;
  if (typeof c.iat !== 'number' || typeof c.exp !== 'number') throw invalid('format');
  if (c.iat > nowSeconds + INVOICE_CLOCK_TOLERANCE_SECONDS) throw invalid('not_yet_valid');
  if (Object.keys(c).some((k) => !CLAIMS.has(k))) throw invalid('format');
  if (c.jti !== undefined && typeof c.jti !== 'string') throw invalid('format');
  if (typeof c.invoice_id !== 'string' || !SAFE_ID.test(c.invoice_id)) throw invalid('format');
  if (typeof c.amount !== 'number' || !Number.isSafeInteger(c.amount) || c.amount <= 0 || c.amount > options.maxAmount) throw invalid('amount');
  if (typeof c.currency !== 'string' || !CURRENCIES.has(c.currency)) throw invalid('currency');
  const merchant = readMerchant(c.merchant);
  if (typeof c.due_date !== 'string' || !isCalendarDate(c.due_date)) throw invalid('due_date');
  return {
    partnerId,
    id: c.invoice_id,
    amount: c.amount,
    currency: c.currency,
    merchant,
    dueDate: c.due_date,
    issuedAt: new Date(c.iat * 1000),
    expiresAt: new Date(c.exp * 1000),
    kid,
    alg,
    jws,
  };
}

function readMerchant(value: unknown): VerifiedInvoice['merchant'] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalid('merchant');
  const m = value as Record<string, unknown>;
  if (Object.keys(m).some((k) => k !== 'id' && k !== 'display_name')) throw invalid('merchant');
  if (typeof m['id'] !== 'string' || !SAFE_ID.test(m['id'])) throw invalid('merchant');
  const name = m['display_name'];
  if (typeof name !== 'string' || name.trim() !== name || name.length === 0 || name.length > 100 || UNSHOWABLE.test(name)) throw invalid('merchant');
  return { id: m['id'], displayName: name };
}

function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 2000 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
