import type { JWK } from 'jose';

/** The JWE key-management algorithms the vault will encrypt to; nothing else is ever used. */
export const KEY_ALGORITHMS = ['RSA-OAEP-256', 'ECDH-ES+A256KW'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];
/** The one content encryption the vault uses. */
export const CONTENT_ENCRYPTION = 'A256GCM';

/** A processor's public encryption key, as registered: what a card is encrypted to for that processor. */
export interface ProcessorKey {
  readonly kid: string;
  readonly alg: KeyAlgorithm;
  /** The public JWK as given, less anything but its public members. */
  readonly jwk: JWK;
  /** When the vault first saw this kid; the newest valid key is the current one. */
  readonly addedAt: string;
}
