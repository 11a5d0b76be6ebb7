import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appendLeafHashes, compactRangeRoot, EMPTY_COMPACT_RANGE, type CompactRange } from '../../../services/vault/src/audit/transparency/compact-range.ts';
import { leafHash, verifyConsistency, verifyInclusion } from '../../../services/vault/src/audit/transparency/log-verifier.ts';
import { merkleConsistencyProof, merklePath, merkleTreeHash } from '../../../services/vault/src/audit/transparency/merkle-reference.ts';
import { consistencyProofSteps, inclusionProofSteps, resolveProof } from '../../../services/vault/src/audit/transparency/proof-nodes.ts';
import { hashAtFromNodes, treeRootAt, type MerkleNode } from '../../../services/vault/src/audit/transparency/tree-nodes.ts';

/**
 * Known answers for RFC 9162 tree hashes and proofs from an implementation we did not write: the Certificate
 * Transparency test tree of 8 leaves as kept by transparency-dev/merkle (Go), at commit 417fb0c3 —
 *   testonly/constants.go: LeafInputs, NodeHashes, RootHashes, CompactTrees;
 *   proof/verify_test.go before commit bcba819 (2025-04): inclusionProofs and consistencyProofs, the table that
 *   came from CT's merkle_tree_test.cc (its leaf numbers there are 1-based, so "{1, 8}" is leaf 0 of 8);
 * and every probe of that repository's testdata/inclusion and testdata/consistency (merkle-probes.json).
 */
const hex = (h: string) => Buffer.from(h, 'hex');

const LEAF_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hex);

const NODE_HASHES = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  ['d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
];

/** Indexed by tree size, from the empty tree. */
const ROOT_HASHES = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** CompactTrees(): [level, index] of the node hashes making up each tree size's compact range. */
const COMPACT_TREES: [number, number][][] = [[], [[0, 0]], [[1, 0]], [[1, 0], [0, 2]], [[2, 0]], [[2, 0], [0, 4]], [[2, 0], [1, 2]], [[2, 0], [1, 2], [0, 6]], [[3, 0]]];

/** inclusionProofs, with the 1-based leaf numbers made indexes. */
const INCLUSION_PROOFS = [
  { index: 0n, treeSize: 8n, path: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { index: 5n, treeSize: 8n, path: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { index: 2n, treeSize: 3n, path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  { index: 1n, treeSize: 5n, path: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
  { index: 0n, treeSize: 1n, path: [] },
];

const CONSISTENCY_PROOFS = [
  { size1: 1n, size2: 1n, path: [] },
  { size1: 1n, size2: 8n, path: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { size1: 6n, size2: 8n, path: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { size1: 2n, size2: 5n, path: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
  { size1: 6n, size2: 7n, path: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
];

const leafHashes = LEAF_INPUTS.map(leafHash);
const nodes: MerkleNode[] = [];
const ranges: CompactRange[] = [EMPTY_COMPACT_RANGE];
for (const leaf of leafHashes) ranges.push(appendLeafHashes(ranges.at(-1)!, [leaf], (node) => nodes.push(node)));
const stored = hashAtFromNodes(nodes);
const asHex = (hashes: readonly Uint8Array[]) => hashes.map((h) => Buffer.from(h).toString('hex'));

describe('RFC 9162 tree hashes: the CT test tree of 8 leaves', () => {
  it('leaf hashes are NodeHashes level 0', () => expect(asHex(leafHashes)).toEqual(NODE_HASHES[0]));

  it('the tree hash of the first n leaves is RootHashes[n], for n = 0 … 8', () => {
    for (let n = 0; n <= 8; n++) expect(merkleTreeHash(leafHashes.slice(0, n)).toString('hex'), `size ${n}`).toBe(ROOT_HASHES[n]);
  });

  it('appending one leaf at a time, the compact range holds CompactTrees[n] and its root is RootHashes[n]', () => {
    for (let n = 0; n <= 8; n++) {
      expect(asHex(ranges[n]!.hashes), `size ${n}`).toEqual(COMPACT_TREES[n]!.map(([level, index]) => NODE_HASHES[level]![index]));
      expect(compactRangeRoot(ranges[n]!).toString('hex'), `size ${n}`).toBe(ROOT_HASHES[n]);
    }
  });

  it('appending all 8 at once, or 3 then 5, gives the same range', () => {
    expect(appendLeafHashes(EMPTY_COMPACT_RANGE, leafHashes)).toEqual(ranges[8]);
    expect(appendLeafHashes(appendLeafHashes(EMPTY_COMPACT_RANGE, leafHashes.slice(0, 3)), leafHashes.slice(3))).toEqual(ranges[8]);
  });

  it('the nodes the appends complete are exactly NodeHashes, each once', () => {
    const byLevel = NODE_HASHES.map((_, level) => nodes.filter((n) => n.level === level).map((n) => [Number(n.index), n.hash.toString('hex')]));
    expect(byLevel).toEqual(NODE_HASHES.map((hashes) => hashes.map((h, i) => [i, h])));
  });

  it('the root at every older size comes from the stored nodes of the tree of 8', () => {
    for (let n = 0; n <= 8; n++) expect(treeRootAt(BigInt(n), stored).toString('hex'), `size ${n}`).toBe(ROOT_HASHES[n]);
  });
});

describe('RFC 9162 proofs: the CT test vectors', () => {
  for (const v of INCLUSION_PROOFS) {
    it(`inclusion of leaf ${v.index} in a tree of ${v.treeSize}: generated from stored nodes and from the leaves, and verified`, () => {
      expect(asHex(resolveProof(inclusionProofSteps(v.index, v.treeSize), stored))).toEqual(v.path);
      expect(asHex(merklePath(Number(v.index), leafHashes.slice(0, Number(v.treeSize))))).toEqual(v.path);
      const rootHash = hex(ROOT_HASHES[Number(v.treeSize)]!);
      expect(verifyInclusion({ leafHash: leafHashes[Number(v.index)]!, index: v.index, treeSize: v.treeSize, path: v.path.map(hex), rootHash })).toBe(true);
    });
  }

  for (const v of CONSISTENCY_PROOFS) {
    it(`consistency from ${v.size1} to ${v.size2}: generated from stored nodes and from the leaves, and verified`, () => {
      expect(asHex(resolveProof(consistencyProofSteps(v.size1, v.size2), stored))).toEqual(v.path);
      expect(asHex(merkleConsistencyProof(Number(v.size1), leafHashes.slice(0, Number(v.size2))))).toEqual(v.path);
      const [root1, root2] = [hex(ROOT_HASHES[Number(v.size1)]!), hex(ROOT_HASHES[Number(v.size2)]!)];
      expect(verifyConsistency({ size1: v.size1, size2: v.size2, root1, root2, path: v.path.map(hex) })).toBe(true);
    });
  }
});

describe('transparency-dev/merkle proof probes (testdata/inclusion, testdata/consistency)', () => {
  const bundle = JSON.parse(readFileSync(new URL('./merkle-probes.json', import.meta.url), 'utf8')) as { commit: string; files: Record<string, string> };
  // The probes' uint64 fields as strings before parsing, so 18446744073709551615 stays exact.
  const probe = (text: string) => JSON.parse(text.replace(/"(leafIdx|treeSize|size1|size2)": (\d+)/g, '"$1": "$2"')) as Record<string, unknown>;
  const b64 = (v: unknown) => Buffer.from(String(v ?? ''), 'base64');
  const path = (v: unknown) => ((v ?? []) as string[]).map(b64);
  // Where this verifier is stricter than Go's: every hash must be 32 bytes, and this probe's roots are 10 bytes
  // ("don't care 2") — accepted by Go because equal sizes only compare the roots.
  const STRICTER = new Set(['testdata/consistency/additional/sizes-are-equal-one-and-proof-is-empty.json']);
  const files = Object.entries(bundle.files);

  it(`are all there (${files.length} from commit ${bundle.commit.slice(0, 8)})`, () => {
    expect(files.filter(([f]) => f.startsWith('testdata/inclusion/')).length).toBe(98);
    expect(files.filter(([f]) => f.startsWith('testdata/consistency/')).length).toBe(98);
  });

  it('each inclusion probe verifies exactly when it should', () => {
    const wrong = files
      .filter(([f]) => f.startsWith('testdata/inclusion/'))
      .filter(([, text]) => {
        const p = probe(text);
        const ok = verifyInclusion({ leafHash: b64(p.leafHash), index: BigInt(p.leafIdx as string), treeSize: BigInt(p.treeSize as string), path: path(p.proof), rootHash: b64(p.root) });
        return ok === p.wantErr;
      });
    expect(wrong.map(([f]) => f)).toEqual([]);
  });

  it('each consistency probe verifies exactly when it should', () => {
    const wrong = files
      .filter(([f]) => f.startsWith('testdata/consistency/'))
      .filter(([f, text]) => {
        const p = probe(text);
        const ok = verifyConsistency({ size1: BigInt(p.size1 as string), size2: BigInt(p.size2 as string), root1: b64(p.root1), root2: b64(p.root2), path: path(p.proof) });
        return ok === (p.wantErr || STRICTER.has(f));
      });
    expect(wrong.map(([f]) => f)).toEqual([]);
  });
});
