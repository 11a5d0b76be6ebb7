import { HASH_SIZE, nodeHash } from './log-verifier.ts';
import type { HashAt, MerkleNode, NodeId } from './tree-nodes.ts';

/**
 * The storage shape for the tree: tiles as in c2sp.org/tlog-tiles (the layout of Go's checksum database,
 * Sunlight and Tessera). Tile (L, N) holds up to 256 consecutive hashes of tree level 8·L — hashes N·256 to
 * N·256 + 255 — concatenated, 32 bytes each; level-0 tiles hold leaf hashes. A node at a level between two tile
 * levels is hashed from the at most 128 tile hashes under it. So a tree of n leaves is about n/256 tile rows,
 * an inclusion or consistency proof reads at most two tiles per tile level (⌈log₂ n / 8⌉ levels), and a
 * sealer's batch appends to the last tile of each level.
 *
 * A partial tile (fewer than 256 hashes) only grows: its hashes never change once written, so a reader proving
 * for an older tree size reads a prefix of it. Store a row per tile, (tile level, tile index) → bytes.
 */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 1 << TILE_HEIGHT;

export interface TileId {
  /** The tile level: its hashes are of tree level 8 · level. */
  readonly level: number;
  readonly index: bigint;
}

/** Where a node's hash comes from: `count` hashes of one tile from `first`, folded pairwise. */
export function tileSpanOf(node: NodeId): { readonly tile: TileId; readonly first: number; readonly count: number } {
  const level = Math.floor(node.level / TILE_HEIGHT);
  const height = node.level % TILE_HEIGHT;
  const firstHash = node.index << BigInt(height);
  return {
    tile: { level, index: firstHash >> BigInt(TILE_HEIGHT) },
    first: Number(firstHash % BigInt(TILE_WIDTH)),
    count: 1 << height,
  };
}

export const tileKey = (tile: TileId): string => `${tile.level}/${tile.index}`;

/** The tiles to read for these nodes, once each. */
export function tilesToRead(nodes: readonly NodeId[]): TileId[] {
  const byKey = new Map<string, TileId>();
  for (const node of nodes) {
    const { tile } = tileSpanOf(node);
    byKey.set(tileKey(tile), tile);
  }
  return [...byKey.values()];
}

/** A HashAt over tiles read from storage: `tileBytes` gives a tile's stored bytes, or undefined. */
export function hashAtFromTiles(tileBytes: (tile: TileId) => Uint8Array | undefined): HashAt {
  return (level, index) => {
    const { tile, first, count } = tileSpanOf({ level, index });
    const bytes = tileBytes(tile);
    if (bytes === undefined || bytes.length < (first + count) * HASH_SIZE) throw new RangeError(`tile ${tileKey(tile)} does not hold node ${level}/${index}`);
    let row: Uint8Array[] = [];
    for (let i = first; i < first + count; i++) row.push(bytes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
    while (row.length > 1) row = row.flatMap((_, i) => (i % 2 === 0 ? [nodeHash(row[i]!, row[i + 1]!)] : []));
    return row[0]!;
  };
}

/** Hashes to append to one tile: they go at hash position `offset` (so the stored tile must hold exactly that many). */
export interface TileAppend {
  readonly tile: TileId;
  readonly offset: number;
  readonly hashes: Buffer;
}

/**
 * The tile appends for nodes an append completed (compact-range.ts `onNode`): those at tile levels (0, 8, 16 …),
 * grouped by tile, in index order. Storing them is idempotent when the writer checks the offset: a tile already
 * longer than `offset` must already hold these hashes there (a sealer that died after writing them).
 */
export function tileAppends(nodes: readonly MerkleNode[]): TileAppend[] {
  const byTile = new Map<string, { tile: TileId; nodes: MerkleNode[] }>();
  for (const node of nodes) {
    if (node.level % TILE_HEIGHT !== 0) continue;
    const { tile } = tileSpanOf(node);
    const group = byTile.get(tileKey(tile)) ?? byTile.set(tileKey(tile), { tile, nodes: [] }).get(tileKey(tile))!;
    group.nodes.push(node);
  }
  return [...byTile.values()]
    .sort((a, b) => a.tile.level - b.tile.level || (a.tile.index < b.tile.index ? -1 : a.tile.index > b.tile.index ? 1 : 0))
    .map(({ tile, nodes: group }) => {
      group.sort((a, b) => (a.index < b.index ? -1 : a.index > b.index ? 1 : 0));
      const offset = tileSpanOf(group[0]!).first;
      /* Precondition: one append's nodes at a tile level are consecutive. */
      group.forEach((node, i) => {
        if (tileSpanOf(node).first !== offset + i) throw new RangeError(`the nodes for tile ${tileKey(tile)} are not consecutive`);
      });
      return { tile, offset, hashes: Buffer.concat(group.map((n) => n.hash)) };
    });
}

/**
 * The tile's path in c2sp.org/tlog-tiles, to serve the stored tiles as that API: `tile/<L>/<N>[.p/<W>]`, N in
 * 3-digit groups all but the last prefixed with x (1234067 → x001/x234/067); `width` below 256 for a partial tile.
 */
export function tilePath(tile: TileId, width: number = TILE_WIDTH): string {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new RangeError(`a tile holds 1 to ${TILE_WIDTH} hashes`);
  const digits = tile.index.toString();
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 3) groups.unshift(digits.slice(Math.max(0, end - 3), end).padStart(3, '0'));
  const index = groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
  return `tile/${tile.level}/${index}${width < TILE_WIDTH ? `.p/${width}` : ''}`;
}
