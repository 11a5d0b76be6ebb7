import { foldNodes, largestPowerOfTwoBelow, nodeKey, perfectSubtrees, type HashAt, type NodeId } from './tree-nodes.ts';

/**
 * Proofs from stored nodes, in two steps so that storage can read everything a proof needs at once:
 *
 *   const steps = inclusionProofSteps(index, treeSize);   // which perfect subtrees make each proof hash
 *   const hashAt = await store.read(nodesToRead(steps));  // one query, or one tile per level
 *   const path = resolveProof(steps, hashAt);
 *
 * Each step is one hash of the proof: the Merkle hash of the leaves it covers, given as that range's perfect
 * subtrees left to right (one node, except on the tree's right edge where the range is not a perfect subtree).
 */
export type ProofStep = readonly NodeId[];

/** RFC 9162 §2.1.3.1, PATH(m, D[n]) over leaf ranges: the siblings of leaf `index`'s path, bottom up. */
export function inclusionProofSteps(index: bigint, treeSize: bigint): ProofStep[] {
  /* Precondition: the leaf is in the tree. */
  if (index < 0n || index >= treeSize) throw new RangeError(`leaf ${index} is not in a tree of ${treeSize}`);
  const steps: ProofStep[] = [];
  let start = 0n;
  let end = treeSize;
  // Walks down from the root, collecting the sibling of each subtree that holds the leaf; the path lists them up.
  while (end - start > 1n) {
    const split = start + largestPowerOfTwoBelow(end - start);
    if (index < split) {
      steps.push(perfectSubtrees(split, end));
      end = split;
    } else {
      steps.push(perfectSubtrees(start, split));
      start = split;
    }
  }
  return steps.reverse();
}

/**
 * RFC 9162 §2.1.4.1, PROOF(m, D[n]) over leaf ranges: the hashes that prove the tree of `size1` leaves is a
 * prefix of the tree of `size2`. Empty for equal sizes. Precondition: 0 < size1 ≤ size2 (an empty tree has no
 * proof).
 */
export function consistencyProofSteps(size1: bigint, size2: bigint): ProofStep[] {
  if (size1 <= 0n || size1 > size2) throw new RangeError(`no consistency proof from ${size1} to ${size2}`);
  const steps: ProofStep[] = [];
  // SUBPROOF(m, D[start:end], whole): the old tree is [start, start + m) of the range [start, end).
  let m = size1;
  let start = 0n;
  let end = size2;
  let whole = true;
  while (m !== end - start) {
    const k = largestPowerOfTwoBelow(end - start);
    if (m <= k) {
      steps.push(perfectSubtrees(start + k, end));
      end = start + k;
    } else {
      steps.push(perfectSubtrees(start, start + k));
      m -= k;
      start += k;
      whole = false;
    }
  }
  // SUBPROOF(m, D[m], false) = [MTH(D[m])]: the old tree's last subtree, unless it is the old tree itself.
  if (!whole) steps.push(perfectSubtrees(start, end));
  return steps.reverse();
}

/** Every stored node the steps read, once each, in a stable order. */
export function nodesToRead(steps: readonly ProofStep[]): NodeId[] {
  const byKey = new Map<string, NodeId>();
  for (const step of steps) for (const node of step) byKey.set(nodeKey(node), node);
  return [...byKey.values()];
}

/** The proof's hashes, each step's nodes folded. */
export const resolveProof = (steps: readonly ProofStep[], hashAt: HashAt): Buffer[] => steps.map((step) => foldNodes(step, hashAt));
