import { EMPTY_TREE_ROOT, HASH_SIZE, nodeHash } from './log-verifier.ts';
import { perfectSubtrees, type HashAt, type MerkleNode } from './tree-nodes.ts';

/**
 * The right edge of the log's tree: the roots of the perfect subtrees that make up its first `size` leaves, the
 * largest (leftmost) first — one per set bit of `size` (transparency-dev's compact range [0, size)). It is all a
 * sealer needs to append leaves and compute the new root: no earlier leaf is read again.
 */
export interface CompactRange {
  readonly size: bigint;
  readonly hashes: readonly Buffer[];
}

export const EMPTY_COMPACT_RANGE: CompactRange = Object.freeze({ size: 0n, hashes: Object.freeze([]) });

const bitCount = (n: bigint): number => {
  let count = 0;
  for (let v = n; v > 0n; v >>= 1n) count += Number(v & 1n);
  return count;
};

/** A range checked for shape: a non-negative size and one 32-byte hash per set bit of it. */
export function compactRange(size: bigint, hashes: readonly Uint8Array[]): CompactRange {
  /* Precondition: the hashes are exactly the perfect subtrees of [0, size). */
  if (size < 0n || hashes.length !== bitCount(size) || hashes.some((h) => h.length !== HASH_SIZE)) {
    throw new RangeError(`a compact range of size ${size} has one 32-byte hash per set bit of its size`);
  }
  return Object.freeze({ size, hashes: Object.freeze(hashes.map((h) => Buffer.from(h))) });
}

/**
 * Appends leaf hashes. `onNode` sees every perfect subtree the append completes, in order: each leaf (level 0)
 * and every inner node it closes — exactly the nodes a proof may need, for the sealer to store with the batch.
 */
export function appendLeafHashes(range: CompactRange, leafHashes: readonly Uint8Array[], onNode: (node: MerkleNode) => void = () => {}): CompactRange {
  const hashes = [...range.hashes];
  let size = range.size;
  for (const leaf of leafHashes) {
    /* Precondition: a leaf hash is a SHA-256 value (the caller hashed the leaf with leafHash). */
    if (leaf.length !== HASH_SIZE) throw new RangeError('a leaf hash is 32 bytes');
    let hash: Buffer = Buffer.from(leaf);
    let index = size;
    let level = 0;
    onNode({ level, index, hash });
    // Each trailing 1 bit of the old size is a perfect subtree of the same height, now completed on its right.
    for (let carry = size; (carry & 1n) === 1n; carry >>= 1n) {
      hash = nodeHash(hashes.pop()!, hash);
      level++;
      index >>= 1n;
      onNode({ level, index, hash });
    }
    hashes.push(hash);
    size++;
  }
  return Object.freeze({ size, hashes: Object.freeze(hashes) });
}

/** The tree's root: the range's hashes folded from the right (RFC 9162 MTH of the first `size` leaves). */
export function compactRangeRoot(range: CompactRange): Buffer {
  if (range.hashes.length === 0) return Buffer.from(EMPTY_TREE_ROOT);
  let root = range.hashes.at(-1)!;
  for (let i = range.hashes.length - 2; i >= 0; i--) root = nodeHash(range.hashes[i]!, root);
  return root;
}

/** Rebuilds the range at `size` from stored nodes, e.g. when a new sealer takes over from the last checkpoint. */
export const compactRangeAt = (size: bigint, hashAt: HashAt): CompactRange =>
  size === 0n ? EMPTY_COMPACT_RANGE : compactRange(size, perfectSubtrees(0n, size).map((n) => hashAt(n.level, n.index)));
