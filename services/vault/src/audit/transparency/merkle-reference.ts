import { EMPTY_TREE_ROOT, nodeHash } from './log-verifier.ts';
import { largestPowerOfTwoBelow } from './tree-nodes.ts';

/**
 * RFC 9162 §2.1 word for word, over a list of leaf hashes held in memory: the Merkle tree hash (§2.1.1), the
 * inclusion path (§2.1.3.1) and the consistency proof (§2.1.4.1). Linear in the number of leaves per call — a
 * reference to check the stored-node proofs against, and enough for a small export; the sealer and the proof
 * API use compact-range.ts and proof-nodes.ts.
 */

/** MTH(D[n]). */
export function merkleTreeHash(leafHashes: readonly Uint8Array[]): Buffer {
  if (leafHashes.length === 0) return Buffer.from(EMPTY_TREE_ROOT);
  if (leafHashes.length === 1) return Buffer.from(leafHashes[0]!);
  const k = Number(largestPowerOfTwoBelow(BigInt(leafHashes.length)));
  return nodeHash(merkleTreeHash(leafHashes.slice(0, k)), merkleTreeHash(leafHashes.slice(k)));
}

/** PATH(m, D[n]), for 0 ≤ m < n. */
export function merklePath(m: number, leafHashes: readonly Uint8Array[]): Buffer[] {
  const n = leafHashes.length;
  if (!Number.isSafeInteger(m) || m < 0 || m >= n) throw new RangeError(`leaf ${m} is not in a tree of ${n}`);
  if (n === 1) return [];
  const k = Number(largestPowerOfTwoBelow(BigInt(n)));
  return m < k
    ? [...merklePath(m, leafHashes.slice(0, k)), merkleTreeHash(leafHashes.slice(k))]
    : [...merklePath(m - k, leafHashes.slice(k)), merkleTreeHash(leafHashes.slice(0, k))];
}

/** PROOF(m, D[n]), for 0 < m ≤ n. */
export function merkleConsistencyProof(m: number, leafHashes: readonly Uint8Array[]): Buffer[] {
  if (!Number.isSafeInteger(m) || m <= 0 || m > leafHashes.length) throw new RangeError(`no consistency proof from ${m} to ${leafHashes.length}`);
  return subproof(m, leafHashes, true);
}

/** SUBPROOF(m, D[n], b). */
function subproof(m: number, leafHashes: readonly Uint8Array[], b: boolean): Buffer[] {
  const n = leafHashes.length;
  if (m === n) return b ? [] : [merkleTreeHash(leafHashes)];
  const k = Number(largestPowerOfTwoBelow(BigInt(n)));
  return m <= k
    ? [...subproof(m, leafHashes.slice(0, k), b), merkleTreeHash(leafHashes.slice(k))]
    : [...subproof(m - k, leafHashes.slice(k), false), merkleTreeHash(leafHashes.slice(0, k))];
}
