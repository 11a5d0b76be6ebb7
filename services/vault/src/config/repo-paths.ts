import { fileURLToPath } from 'node:url';
import path from 'node:path';

const fromHere = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * The repository root (or the image's /app), found from this file's place: services/vault/src/config, run from
 * source, or dist/services/vault/src/config, compiled (`npm run build`) — the root is then dist's parent, where
 * prisma/migrations, the proto file and the card-form assets are.
 */
export const REPO_ROOT = path.basename(fromHere) === 'dist' ? path.dirname(fromHere) : fromHere;

/** Dev and test keys and certificates. Production mode refuses every path under it. */
export const KEYS_EXAMPLE_DIR = path.join(REPO_ROOT, 'keys-example');

export function keysExample(...parts: string[]): string {
  return path.join(KEYS_EXAMPLE_DIR, ...parts);
}

/** True when `file` resolves to a place inside keys-example/, however it was spelled. */
export function isInKeysExample(file: string): boolean {
  const resolved = path.resolve(REPO_ROOT, file);
  return resolved === KEYS_EXAMPLE_DIR || resolved.startsWith(KEYS_EXAMPLE_DIR + path.sep) || /(^|[\\/])keys-example([\\/]|$)/.test(file);
}
