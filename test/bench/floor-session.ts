/**
 * The floor's stand-in for a card-entry session secret: the owner it is for, base64url-encoded, so the floor's
 * store needs no session lookup (the vault's session check is vault work, not floor work).
 */
import type { FloorOwner } from './floor-operations.ts';

export function floorSessionSecret(owner: FloorOwner, n: number): string {
  return Buffer.from(JSON.stringify({ t: owner.tenant, o: owner.owner, n })).toString('base64url');
}

/** The owner named by `Authorization: CardSession <secret>`, or null. */
export function floorSessionOwner(authorization: string | undefined): FloorOwner | null {
  const secret = /^CardSession ([A-Za-z0-9_-]{16,400})$/.exec(authorization ?? '')?.[1];
  if (!secret) return null;
  try {
    const { t, o } = JSON.parse(Buffer.from(secret, 'base64url').toString()) as { t?: unknown; o?: unknown };
    return typeof t === 'string' && typeof o === 'string' ? { tenant: t, owner: o } : null;
  } catch {
    return null;
  }
}
