/**
 * The one way a Redis key is built from ids. Each part is base64url-encoded, so no id can contain the `:`
 * separator or a `{`/`}` hash-tag brace: two different (family, tag, parts) never make the same key, whatever
 * the ids hold (group `a:b` of tenant `T` and group `b` of tenant `T:a` are different keys).
 *
 * The tag goes in `{…}`: Redis Cluster hashes only that part, so keys that share a tag share a slot. Families
 * choose a tag that keeps what is used together on one slot (a tenant's epochs and counters).
 */
export type RedisKeyFamily =
  | 'token'
  | 'idem'
  | 'epoch:tenant'
  | 'epoch:group'
  | 'epoch:user'
  | 'epoch:card'
  | 'epoch:processor'
  | 'rate:card'
  | 'rate:user'
  | 'rate:card-number'
  | 'session-token';

function encode(part: string): string {
  return Buffer.from(part, 'utf8').toString('base64url');
}

export function redisKey(family: RedisKeyFamily, tag: string, ...parts: readonly string[]): string {
  return `vault:${family}:{${encode(tag)}}${parts.map((p) => `:${encode(p)}`).join('')}`;
}

/** The part of a key Redis Cluster hashes: the text between its first `{` and the next `}` (the whole key without). */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  const close = open === -1 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/**
 * Keys grouped by hash tag, in first-seen order: each group is one Redis Cluster slot, so one script or command
 * may take all of its keys (a command over two slots is refused with CROSSSLOT).
 */
export function bySlot(keys: readonly string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const tag = hashTagOf(key);
    const group = groups.get(tag);
    if (group) group.push(key);
    else groups.set(tag, [key]);
  }
  return [...groups.values()];
}
