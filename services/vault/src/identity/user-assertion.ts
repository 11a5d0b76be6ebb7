import { readFileSync } from 'node:fs';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { ClientError } from '../errors/vault-error.ts';
import { VerifiedAssertions } from './verified-assertions.ts';

/** Who the request acts for, from a verified user assertion. */
export interface UserContext {
  readonly userId: string;
  readonly tenantId: string;
  readonly groupId: string | null;
}

export interface AssertionSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksFile: string;
  readonly maxLifetimeSeconds: number;
  /** Whether `azp` must be present (production); when present it must always name the calling service. */
  readonly requireAzp: boolean;
}

/** The shape of user, tenant and group ids, in assertions and in the admin routes that name them. */
export const IDENTIFIER = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * Verifies user assertions: compact JWS, ES256 only (the allow-list rejects `none`, HS256 and every other
 * algorithm before any key is used), signed by a configured key, from the configured issuer to our audience,
 * with `iat` and `exp` present, `exp - iat` at most 5 minutes, and not expired; and bound to the service the user
 * acts through: `azp` must equal the calling service (from its client certificate), so another service holding
 * a copy of the assertion cannot replay it. Without `azp` an assertion is accepted only where `requireAzp` is off.
 */
export class UserAssertionVerifier {
  readonly #keys: JWTVerifyGetKey;
  constructor(private readonly settings: AssertionSettings) {
    const jwks = JSON.parse(readFileSync(settings.jwksFile, 'utf8')) as JSONWebKeySet;
    this.#keys = createLocalJWKSet(jwks);
  }

  readonly #verified = new VerifiedAssertions<{ readonly claims: Claims; readonly context: UserContext }>();

  async verify(authorization: string | undefined, callingService: string): Promise<UserContext> {
    const token = /^Bearer ([A-Za-z0-9._-]{1,4096})$/.exec(authorization ?? '')?.[1];
    if (!token) throw new ClientError('unauthenticated');
    const { claims, context } = this.#verified.get(token, Date.now()) ?? (await this.#verifyToken(token));
    /* Precondition: an assertion is usable only by the service it was issued to act through. */
    if (claims.azp === undefined ? this.settings.requireAzp : claims.azp !== callingService) throw new ClientError('unauthenticated');
    return context;
  }

  /** Signature and every claim but the caller binding; a valid result is remembered until it expires. */
  async #verifyToken(token: string): Promise<{ claims: Claims; context: UserContext }> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.#keys, {
        algorithms: ['ES256'],
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        requiredClaims: ['sub', 'tid', 'iat', 'exp'],
        maxTokenAge: this.settings.maxLifetimeSeconds,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch {
      throw new ClientError('unauthenticated');
    }
    const { sub, tid, gid, azp, iat, exp } = payload as Claims;
    /* Precondition: an assertion may not outlive 5 minutes, whatever its issuer asked for. */
    if (typeof iat !== 'number' || typeof exp !== 'number' || exp - iat > this.settings.maxLifetimeSeconds) {
      throw new ClientError('unauthenticated');
    }
    if (typeof sub !== 'string' || !IDENTIFIER.test(sub) || typeof tid !== 'string' || !IDENTIFIER.test(tid)) {
      throw new ClientError('unauthenticated');
    }
    if (gid !== undefined && (typeof gid !== 'string' || !IDENTIFIER.test(gid))) throw new ClientError('unauthenticated');
    const result = { claims: { azp }, context: { userId: sub, tenantId: tid, groupId: typeof gid === 'string' ? gid : null } };
    // What jose accepted it against: exp and iat + the maximum age, each with the tolerance.
    this.#verified.set(token, result, (Math.min(exp, iat + this.settings.maxLifetimeSeconds) + CLOCK_TOLERANCE_SECONDS) * 1000);
    return result;
  }
}

const CLOCK_TOLERANCE_SECONDS = 5;

interface Claims {
  readonly sub?: unknown;
  readonly tid?: unknown;
  readonly gid?: unknown;
  readonly azp?: unknown;
  readonly iat?: number;
  readonly exp?: number;
}
