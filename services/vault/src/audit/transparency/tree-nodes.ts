import { EMPTY_TREE_ROOT, nodeHash } from './log-verifier.ts';

/**
 * A perfect subtree of the log's Merkle tree: the 2^level leaves from index · 2^level. Level 0 nodes are leaf
 * hashes. Only perfect subtrees are ever stored: they never change once their last leaf is in. Every other hash
 * (a root, a proof node on the right edge) is folded from them.
 */
export interface NodeId {
  readonly level: number;
  readonly index: bigint;
}

export interface MerkleNode extends NodeId {
  readonly hash: Buffer;
}

/** Reads the stored hash of a perfect subtree; throws when it is not there (the tree is not that big). */
export type HashAt = (level: number, index: bigint) => Uint8Array;

export const nodeKey = (node: NodeId): string => `${node.level}/${node.index}`;

/** The largest power of two below n (n ≥ 2): where RFC 9162 §2.1.1 splits a tree of n leaves. */
export function largestPowerOfTwoBelow(n: bigint): bigint {
  if (n < 2n) throw new RangeError(`no power of two below ${n} splits a tree`);
  let k = 1n;
  while (k << 1n < n) k <<= 1n;
  return k;
}

/**
 * The leaves [start, end) as RFC 9162's tree splits them: perfect subtrees, left to right, each the largest
 * aligned one that fits. Precondition: [start, end) is a subtree of some RFC 9162 tree — start is 0 or a
 * multiple of the smallest power of two ≥ end − start — so that folding these nodes gives its Merkle hash.
 */
export function perfectSubtrees(start: bigint, end: bigint): NodeId[] {
  /* Precondition: a non-empty range that the RFC's recursive split can produce. */
  if (start < 0n || end <= start) throw new RangeError(`[${start}, ${end}) is not a range of leaves`);
  let span = 1n;
  while (span < end - start) span <<= 1n;
  if (start % span !== 0n) throw new RangeError(`[${start}, ${end}) is not a subtree of the log`);
  const nodes: NodeId[] = [];
  for (let at = start; at < end; ) {
    let level = 0;
    while (at % (1n << BigInt(level + 1)) === 0n && at + (1n << BigInt(level + 1)) <= end) level++;
    nodes.push({ level, index: at >> BigInt(level) });
    at += 1n << BigInt(level);
  }
  return nodes;
}

/** The Merkle hash of consecutive perfect subtrees, left to right: H(n1, H(n2, … H(nk−1, nk))). */
export function foldNodes(nodes: readonly NodeId[], hashAt: HashAt): Buffer {
  if (nodes.length === 0) throw new RangeError('no nodes to fold');
  let hash: Buffer = Buffer.from(hashAt(nodes.at(-1)!.level, nodes.at(-1)!.index));
  for (let i = nodes.length - 2; i >= 0; i--) hash = nodeHash(hashAt(nodes[i]!.level, nodes[i]!.index), hash);
  return hash;
}

/** The root of the tree of the first `treeSize` leaves, from stored nodes (at most one per bit of the size). */
export const treeRootAt = (treeSize: bigint, hashAt: HashAt): Buffer => (treeSize === 0n ? Buffer.from(EMPTY_TREE_ROOT) : foldNodes(perfectSubtrees(0n, treeSize), hashAt));

/** A HashAt over nodes held in memory, as a sealer's batch or a test has them. */
export function hashAtFromNodes(nodes: Iterable<MerkleNode>): HashAt {
  const byKey = new Map<string, Buffer>();
  for (const node of nodes) byKey.set(nodeKey(node), node.hash);
  return (level, index) => {
    const hash = byKey.get(nodeKey({ level, index }));
    if (hash === undefined) throw new RangeError(`no stored hash for node ${level}/${index}`);
    return hash;
  };
}
