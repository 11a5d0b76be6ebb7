import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendLeafHashes, compactRangeAt, compactRangeRoot, EMPTY_COMPACT_RANGE } from '../../services/vault/src/audit/transparency/compact-range.ts';
import { leafHash, verifyConsistency, verifyInclusion } from '../../services/vault/src/audit/transparency/log-verifier.ts';
import { merkleConsistencyProof, merklePath, merkleTreeHash } from '../../services/vault/src/audit/transparency/merkle-reference.ts';
import { consistencyProofSteps, inclusionProofSteps, nodesToRead, resolveProof } from '../../services/vault/src/audit/transparency/proof-nodes.ts';
import { hashAtFromNodes, perfectSubtrees, treeRootAt, type HashAt, type MerkleNode } from '../../services/vault/src/audit/transparency/tree-nodes.ts';

/** A tree of n random leaves, built by appending, with every node the appends completed. */
function tree(n: number) {
  const leaves = Array.from({ length: n }, (_, i) => leafHash(Buffer.concat([Buffer.from(`${i}:`), randomBytes(8)])));
  const nodes: MerkleNode[] = [];
  const range = appendLeafHashes(EMPTY_COMPACT_RANGE, leaves, (node) => nodes.push(node));
  return { leaves, range, hashAt: hashAtFromNodes(nodes), root: compactRangeRoot(range) };
}

/** The same bytes with one bit flipped. */
const flipped = (bytes: Uint8Array, byte: number, bit: number) => {
  const copy = Buffer.from(bytes);
  copy[byte % copy.length]! ^= 1 << bit % 8;
  return copy;
};

const inclusionProof = (index: number, size: number, hashAt: HashAt) => resolveProof(inclusionProofSteps(BigInt(index), BigInt(size)), hashAt);

describe('appending through the compact range', () => {
  it('gives the root computed from scratch, whatever the batches, and the range rebuilt from stored nodes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 12 }), (n, cuts) => {
        const { leaves, range, hashAt } = tree(n);
        let batched = EMPTY_COMPACT_RANGE;
        for (let at = 0, i = 0; at < n; i++) {
          const next = Math.min(n, at + cuts[i % cuts.length]!);
          batched = appendLeafHashes(batched, leaves.slice(at, next));
          at = next;
        }
        expect(batched).toEqual(range);
        expect(compactRangeRoot(batched)).toEqual(merkleTreeHash(leaves));
        expect(compactRangeAt(BigInt(n), hashAt)).toEqual(range);
      }),
      { numRuns: 25 },
    );
  });

  it('reports each leaf and each perfect subtree it completes once: 2n − popcount(n) nodes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), (n) => {
        const seen = new Set<string>();
        appendLeafHashes(EMPTY_COMPACT_RANGE, Array.from({ length: n }, () => Buffer.alloc(32)), (node) => seen.add(`${node.level}/${node.index}`));
        expect(seen.size).toBe(2 * n - n.toString(2).replaceAll('0', '').length);
      }),
      { numRuns: 20 },
    );
  });

  it('gives the root of every older size from the stored nodes of a bigger tree', () => {
    const { leaves, hashAt } = tree(300);
    for (let size = 0; size <= 300; size++) expect(treeRootAt(BigInt(size), hashAt)).toEqual(merkleTreeHash(leaves.slice(0, size)));
  });
});

describe('inclusion proofs', () => {
  it('for every leaf of random trees up to 3000 leaves: verify; and fail with a bit flipped in the proof, the leaf or the root', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.array(fc.nat(), { minLength: 40, maxLength: 40 }), (n, noise) => {
        const { leaves, hashAt, root } = tree(n);
        const size = BigInt(n);
        for (let i = 0; i < n; i++) {
          const path = inclusionProof(i, n, hashAt);
          expect(verifyInclusion({ leafHash: leaves[i]!, index: BigInt(i), treeSize: size, path, rootHash: root }), `leaf ${i} of ${n}`).toBe(true);
        }
        // Tampering, on leaves picked by the noise.
        for (const r of noise) {
          const i = r % n;
          const path = inclusionProof(i, n, hashAt);
          const good = { leafHash: leaves[i]!, index: BigInt(i), treeSize: size, path, rootHash: root };
          expect(verifyInclusion({ ...good, leafHash: flipped(good.leafHash, r >> 8, r >> 3) })).toBe(false);
          expect(verifyInclusion({ ...good, rootHash: flipped(root, r >> 8, r >> 3) })).toBe(false);
          if (path.length > 0) {
            const k = (r >> 4) % path.length;
            expect(verifyInclusion({ ...good, path: path.map((h, j) => (j === k ? flipped(h, r >> 8, r >> 3) : h)) })).toBe(false);
            expect(verifyInclusion({ ...good, path: path.slice(1) })).toBe(false);
          }
          expect(verifyInclusion({ ...good, path: [...path, root] })).toBe(false);
          if (n > 1) expect(verifyInclusion({ ...good, index: BigInt((i + 1 + (r % (n - 1))) % n) })).toBe(false);
        }
      }),
      { numRuns: 12 },
    );
  });

  it('for small trees, fail with any bit of any proof hash flipped', () => {
    for (const n of [2, 3, 5, 7, 8, 13, 31, 33]) {
      const { leaves, hashAt, root } = tree(n);
      for (let i = 0; i < n; i++) {
        const path = inclusionProof(i, n, hashAt);
        for (let k = 0; k < path.length; k++) {
          for (let byte = 0; byte < 32; byte++) {
            const bad = path.map((h, j) => (j === k ? flipped(h, byte, byte + i) : h));
            expect(verifyInclusion({ leafHash: leaves[i]!, index: BigInt(i), treeSize: BigInt(n), path: bad, rootHash: root })).toBe(false);
          }
        }
      }
    }
  });

  it('from stored nodes equal the RFC definition over the leaves, and read each node once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.nat(), (n, r) => {
        const { leaves, hashAt } = tree(n);
        for (const i of [0, r % n, n - 1]) {
          const steps = inclusionProofSteps(BigInt(i), BigInt(n));
          expect(resolveProof(steps, hashAt)).toEqual(merklePath(i, leaves));
          expect(nodesToRead(steps).length).toBe(steps.flat().length);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('are refused for a leaf outside the tree', () => {
    expect(() => inclusionProofSteps(5n, 5n)).toThrow(RangeError);
    expect(() => inclusionProofSteps(-1n, 5n)).toThrow(RangeError);
  });
});

describe('consistency proofs', () => {
  it('between random sizes up to 3000: verify; and fail with a bit flipped, a hash dropped or a size changed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 30, maxLength: 30 }), (n, pairs) => {
        const { hashAt } = tree(n);
        for (const [a, r] of pairs) {
          const size2 = 1 + (a % n);
          const size1 = 1 + (r % size2);
          const good = { size1: BigInt(size1), size2: BigInt(size2), root1: treeRootAt(BigInt(size1), hashAt), root2: treeRootAt(BigInt(size2), hashAt) };
          const path = resolveProof(consistencyProofSteps(good.size1, good.size2), hashAt);
          expect(verifyConsistency({ ...good, path }), `${size1} → ${size2}`).toBe(true);
          expect(verifyConsistency({ ...good, root1: flipped(good.root1, r >> 8, r >> 3), path })).toBe(false);
          expect(verifyConsistency({ ...good, root2: flipped(good.root2, r >> 8, r >> 3), path })).toBe(false);
          if (path.length > 0) {
            const k = (r >> 4) % path.length;
            expect(verifyConsistency({ ...good, path: path.map((h, j) => (j === k ? flipped(h, r >> 8, r >> 3) : h)) })).toBe(false);
            expect(verifyConsistency({ ...good, path: path.slice(0, -1) })).toBe(false);
          }
          if (size1 < size2) expect(verifyConsistency({ ...good, size1: good.size1 + 1n, path })).toBe(false);
          if (size1 > 1) expect(verifyConsistency({ ...good, size1: good.size1 - 1n, path })).toBe(false);
        }
      }),
      { numRuns: 12 },
    );
  });

  it('for every pair of sizes up to 40: equal the RFC definition, and verify', () => {
    const { leaves, hashAt } = tree(40);
    for (let size2 = 1; size2 <= 40; size2++) {
      for (let size1 = 1; size1 <= size2; size1++) {
        const path = resolveProof(consistencyProofSteps(BigInt(size1), BigInt(size2)), hashAt);
        expect(path).toEqual(merkleConsistencyProof(size1, leaves.slice(0, size2)));
        const roots = { root1: merkleTreeHash(leaves.slice(0, size1)), root2: merkleTreeHash(leaves.slice(0, size2)) };
        expect(verifyConsistency({ size1: BigInt(size1), size2: BigInt(size2), ...roots, path }), `${size1} → ${size2}`).toBe(true);
      }
    }
  });

  it('do not exist from an empty tree, nor to a smaller one', () => {
    expect(() => consistencyProofSteps(0n, 5n)).toThrow(RangeError);
    expect(() => consistencyProofSteps(6n, 5n)).toThrow(RangeError);
    const root = merkleTreeHash([leafHash(Buffer.from('a'))]);
    expect(verifyConsistency({ size1: 0n, size2: 1n, root1: merkleTreeHash([]), root2: root, path: [] })).toBe(false);
  });
});

describe('perfect subtrees', () => {
  it('of a range are aligned, cover it exactly, and refuse a range that is not a subtree of the log', () => {
    expect(perfectSubtrees(0n, 7n)).toEqual([
      { level: 2, index: 0n },
      { level: 1, index: 2n },
      { level: 0, index: 6n },
    ]);
    expect(perfectSubtrees(8n, 13n)).toEqual([
      { level: 2, index: 2n },
      { level: 0, index: 12n },
    ]);
    expect(() => perfectSubtrees(2n, 7n)).toThrow(RangeError);
    expect(() => perfectSubtrees(3n, 3n)).toThrow(RangeError);
  });
});
