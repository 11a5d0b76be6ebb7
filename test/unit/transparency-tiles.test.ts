import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendLeafHashes, compactRangeRoot, EMPTY_COMPACT_RANGE, type CompactRange } from '../../services/vault/src/audit/transparency/compact-range.ts';
import { verifyConsistency, verifyInclusion } from '../../services/vault/src/audit/transparency/log-verifier.ts';
import { consistencyProofSteps, inclusionProofSteps, nodesToRead, resolveProof } from '../../services/vault/src/audit/transparency/proof-nodes.ts';
import { hashAtFromTiles, tileAppends, tileKey, tilePath, tilesToRead, TILE_WIDTH, type TileAppend } from '../../services/vault/src/audit/transparency/tile-layout.ts';
import { hashAtFromNodes, treeRootAt, type MerkleNode } from '../../services/vault/src/audit/transparency/tree-nodes.ts';

const leaf = (i: number) => createHash('sha256').update(`leaf ${i}`).digest();

/** Tiles as a store keeps them: appends must land exactly at the end of what the tile holds. */
class TileStore {
  readonly tiles = new Map<string, Buffer>();
  write(append: TileAppend) {
    const key = tileKey(append.tile);
    const held = this.tiles.get(key) ?? Buffer.alloc(0);
    if (held.length !== append.offset * 32) throw new Error(`tile ${key} holds ${held.length / 32} hashes, the append starts at ${append.offset}`);
    this.tiles.set(key, Buffer.concat([held, append.hashes]));
  }
  width(level: number, index: bigint) {
    return (this.tiles.get(`${level}/${index}`)?.length ?? 0) / 32;
  }
  hashAt = hashAtFromTiles((tile) => this.tiles.get(tileKey(tile)));
}

/** A sealer's life: batches appended to the compact range, each batch's completed nodes written as tile appends. */
function seal(batches: number[]) {
  const store = new TileStore();
  const nodes: MerkleNode[] = [];
  let range: CompactRange = EMPTY_COMPACT_RANGE;
  let next = 0;
  for (const size of batches) {
    const completed: MerkleNode[] = [];
    range = appendLeafHashes(range, Array.from({ length: size }, () => leaf(next++)), (node) => completed.push(node));
    for (const append of tileAppends(completed)) store.write(append);
    nodes.push(...completed);
  }
  return { store, range, nodes };
}

describe('tiles (c2sp.org/tlog-tiles layout)', () => {
  it("hold the spec's example tree of 70,000: 273 full level-0 tiles and one of 112, a full level-1 tile and one of 17, a level-2 tile of 1", () => {
    const { store, range, nodes } = seal([1, 255, 1000, 30_000, 38_744]);
    expect(range.size).toBe(70_000n);
    expect(Array.from({ length: 273 }, (_, i) => store.width(0, BigInt(i))).every((w) => w === TILE_WIDTH)).toBe(true);
    expect([store.width(0, 273n), store.width(1, 0n), store.width(1, 1n), store.width(2, 0n), store.tiles.size]).toEqual([112, 256, 17, 1, 273 + 1 + 2 + 1]);
    // Any node, read from the tiles, is the node the appends completed; sampled, to keep this quick.
    const fromNodes = hashAtFromNodes(nodes);
    for (let i = 0; i < nodes.length; i += 97) {
      const node = nodes[i]!;
      expect(store.hashAt(node.level, node.index)).toEqual(fromNodes(node.level, node.index));
    }
    expect(treeRootAt(70_000n, store.hashAt)).toEqual(compactRangeRoot(range));
  });

  it('of a tree of 256: a full level-0 tile and a level-1 tile of 1', () => {
    const { store } = seal([256]);
    expect([...store.tiles.entries()].map(([k, v]) => [k, v.length / 32])).toEqual([
      ['0/0', 256],
      ['1/0', 1],
    ]);
  });

  it('serve every proof for every older size of random trees, sealed in random batches', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 10 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 20, maxLength: 20 }), (batches, picks) => {
        const { store, range } = seal(batches);
        const n = range.size;
        for (const [a, b] of picks) {
          const size = 1n + (BigInt(a) % n);
          const index = BigInt(b) % size;
          const steps = inclusionProofSteps(index, size);
          // What a store reads: the tiles under the proof's nodes, at most two per tile level.
          expect(tilesToRead(nodesToRead(steps)).length).toBeLessThanOrEqual(2 * Math.ceil(n.toString(2).length / 8));
          const rootHash = treeRootAt(size, store.hashAt);
          const path = resolveProof(steps, store.hashAt);
          expect(verifyInclusion({ leafHash: leaf(Number(index)), index, treeSize: size, path, rootHash })).toBe(true);
          const size1 = 1n + (BigInt(b) % size);
          const consistency = resolveProof(consistencyProofSteps(size1, size), store.hashAt);
          expect(verifyConsistency({ size1, size2: size, root1: treeRootAt(size1, store.hashAt), root2: rootHash, path: consistency })).toBe(true);
        }
        expect(treeRootAt(n, store.hashAt)).toEqual(compactRangeRoot(range));
      }),
      { numRuns: 15 },
    );
  });

  it('refuse to answer for a node their tiles do not yet hold', () => {
    const { store } = seal([300]);
    expect(() => store.hashAt(0, 300n)).toThrow(RangeError);
    expect(() => store.hashAt(8, 1n)).toThrow(RangeError);
  });

  it('are refused when one append skips a position', () => {
    const nodes = [0n, 2n].map((index): MerkleNode => ({ level: 0, index, hash: leaf(Number(index)) }));
    expect(() => tileAppends(nodes)).toThrow(RangeError);
  });

  it('have the tlog-tiles paths', () => {
    expect(tilePath({ level: 0, index: 1234067n })).toBe('tile/0/x001/x234/067');
    expect(tilePath({ level: 1, index: 0n }, 17)).toBe('tile/1/000.p/17');
    expect(tilePath({ level: 2, index: 1000n }, TILE_WIDTH)).toBe('tile/2/x001/000');
  });
});
