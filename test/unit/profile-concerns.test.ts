import { describe, expect, it } from 'vitest';
import { concernTimes, NODE_CORE, type CpuProfile } from '../bench/profile-concerns.ts';

/** A profile with one chain of frames per leaf: root → … → leaf, each leaf sampled `us` µs in one sample. */
function profile(stacks: ReadonlyArray<{ frames: ReadonlyArray<[string, string]>; us: number }>): CpuProfile {
  const nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children: number[] }> = [{ id: 1, callFrame: { functionName: '(root)', url: '' }, children: [] }];
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  for (const { frames, us } of stacks) {
    let parent = nodes[0]!;
    for (const [functionName, url] of frames) {
      const node = { id: nodes.length + 1, callFrame: { functionName, url }, children: [] };
      nodes.push(node);
      parent.children.push(node.id);
      parent = node;
    }
    samples.push(parent.id);
    timeDeltas.push(us);
  }
  return { nodes, samples, timeDeltas };
}

describe('a CPU profile as time per concern (the profile benchmark)', () => {
  it('gives a sample to the innermost frame that names a concern, and leaves idle and the profiler out', () => {
    const times = concernTimes(
      profile([
        // pg called from the audit store: the driver's time, not the audit step's
        { frames: [['append', 'file:///r/services/vault/src/audit/audit-store.ts'], ['query', 'file:///r/node_modules/pg/lib/client.js'], ['writev', '']], us: 100 },
        // the audit store's own code
        { frames: [['append', 'file:///r/services/vault/src/audit/audit-store.ts']], us: 7 },
        // a socket write under the router: express's
        { frames: [['handle', 'file:///r/node_modules/router/index.js'], ['writev', 'node:net']], us: 20 },
        { frames: [['(idle)', '']], us: 1000 },
        { frames: [['(garbage collector)', '']], us: 5 },
        { frames: [['emit', 'node:events']], us: 3 },
        // stopping the profiler (serialising the profile) is left out
        { frames: [['', 'file:///r/test/bench/profile-hook.mjs'], ['dispatch', '']], us: 400 },
      ]),
    );
    expect(Object.fromEntries(times)).toEqual({
      'PostgreSQL driver (pg)': 100,
      'audit chain append (vault)': 7,
      'express, router, helmet': 20,
      'garbage collection': 5,
      [NODE_CORE]: 3,
    });
  });
});
