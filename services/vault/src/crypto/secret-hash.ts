import { createHash, randomBytes } from 'node:crypto';

/** A fresh bearer secret: `prefix` + 32 random bytes (256 bits) in base64url. */
export function newBearerSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** How bearer secrets are stored and looked up: only their SHA-256 ever reaches a database. */
export function hashBearerSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A random identifier with a readable prefix (`card_…`, `bp_…`), 128 bits. */
export function newId(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('base64url')}`;
}
