import type { JWK } from 'jose';

/**
 * The JWS algorithms an invoice partner may sign with — the whole allow-list, handed to jose as is: ES256 (ECDSA on
 * P-256) and EdDSA (Ed25519). Never `none`, never an HMAC (a verifier that took HS256 would accept a token "signed"
 * with the partner's public key as the secret).
 */
export const SIGNATURE_ALGORITHMS = ['ES256', 'EdDSA'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/** A partner's public signature key, as registered: what its invoices are verified with, chosen by `kid`. */
export interface PartnerKey {
  readonly kid: string;
  readonly alg: SignatureAlgorithm;
  /** The public JWK as given, less anything but its public members (`use: "sig"`, `alg` set). */
  readonly jwk: JWK;
  /** When the vault first saw this kid. */
  readonly addedAt: string;
}
