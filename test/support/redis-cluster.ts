import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePorts } from './free-port.ts';

const run = promisify(execFile);

/** `up`: answering; `stopped`: frozen by SIGSTOP (its sockets open, nothing answers); `dead`: killed by SIGKILL. */
export type ClusterNodeState = 'up' | 'stopped' | 'dead';

export interface ClusterNode {
  readonly port: number;
  /** Its cluster-bus port (given explicitly: nothing assumes port + 10000). */
  readonly bus: number;
  /** The redis-server now on that port (a new one after `restartEmpty`). */
  readonly process: ChildProcess;
  readonly state: ClusterNodeState;
}

export interface OwnRedisCluster {
  /** A seed node's URL, as VAULT_REDIS_URL takes it with VAULT_REDIS_MODE=cluster. */
  readonly url: string;
  readonly nodes: readonly ClusterNode[];
  /** `redis-cli -p <port> <args>` on one node; its output. (On a stopped node it hangs until its 30 s timeout.) */
  cli(port: number, ...args: string[]): Promise<string>;
  /** The ports of the masters now, and of each one's replica, as the nodes that are up see themselves. */
  topology(): Promise<Array<{ master: number; replica: number | null }>>;
  /**
   * `CLUSTER FAILOVER` on the replica of the master at `masterPort` (coordinated: the replica catches up with
   * its master, then the two swap roles); resolves once the old replica reports itself master and the cluster
   * state is ok on every node. Returns the new master's port.
   */
  failover(masterPort: number): Promise<number>;
  /**
   * Promotes the replica at `replicaPort` after its master died: first gives the cluster `graceMs` to fail over by
   * itself (it does so only after cluster-node-timeout, 2 s here, and an election), then sends `CLUSTER FAILOVER
   * TAKEOVER` — the replica becomes master without asking its master or the other masters, with whatever data it
   * holds. Resolves once it reports itself master, every node that is up lists it as a master with slots, and the
   * cluster state is ok on each of them; says which of the two promoted it.
   */
  takeover(replicaPort: number, graceMs?: number): Promise<'cluster' | 'takeover'>;
  /** Freezes a node (SIGSTOP): its connections stay open, nothing answers, nothing is read from its sockets. */
  pause(port: number): void;
  /** Thaws a frozen node (SIGCONT). */
  resume(port: number): void;
  /** Kills a node (SIGKILL, unplanned: nothing is flushed or handed over); resolves once the process is gone. */
  kill(port: number): Promise<void>;
  /**
   * Starts a dead node again on the same ports, empty (a fresh folder, a new node id), and makes it a replica of
   * the master at `masterPort`: the other nodes forget the old id, the new node meets the cluster and replicates;
   * resolves once its first sync is done.
   */
  restartEmpty(port: number, masterPort: number): Promise<void>;
  /**
   * `CLIENT KILL TYPE replica` on a master: cuts its replication links (a frozen replica does not reconnect, so
   * from now on the master acknowledges writes that no replica holds). Returns how many links were cut.
   */
  cutReplicas(masterPort: number): Promise<number>;
  /** The replica of the master at `masterPort` as the nodes that are up see it (null if none). */
  replicaOf(masterPort: number): Promise<number | null>;
  /** The hash slot of `key` (`CLUSTER KEYSLOT`: only a `{tag}` in the key counts). */
  slotOf(key: string): Promise<number>;
  /** The port of the master that serves `slot` now, as that master itself says (its own slot ranges). */
  masterOfSlot(slot: number): Promise<number>;
  /** The port of the master that holds `key` now. */
  masterOf(key: string): Promise<number>;
  stop(): Promise<void>;
}

interface NodeEntry {
  readonly port: number;
  readonly bus: number;
  process: ChildProcess;
  state: ClusterNodeState;
}

/** One node's own line of CLUSTER NODES (`myself`): a node is authoritative about its own role and slots. */
interface SelfView {
  readonly id: string;
  readonly port: number;
  readonly master: boolean;
  readonly masterId: string;
  readonly slots: ReadonlyArray<readonly [number, number]>;
}

/** The slot ranges of a CLUSTER NODES line (fields 9 on: `a-b` or `a`; importing/migrating `[…]` entries skipped). */
function slotRanges(fields: readonly string[]): Array<[number, number]> {
  return fields
    .slice(8)
    .filter((f) => /^\d+(-\d+)?$/.test(f))
    .map((f) => {
      const [a, b] = f.split('-').map(Number);
      return [a!, b ?? a!];
    });
}

/**
 * A Redis Cluster of the test's own: `masters` masters with one replica each, every node on ports the OS chose
 * (client and cluster-bus port both given explicitly, so nothing assumes port + 10000), in a temporary folder,
 * created with `redis-cli --cluster create`. Nothing of the shared Redis on 6379 is touched.
 *
 * cluster-node-timeout is 2 s: a killed master is failed over by the cluster itself only after that and an
 * election; `takeover` promotes its replica at once.
 */
export async function startRedisCluster(masters = 3): Promise<OwnRedisCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vault-redis-cluster-'));
  const nodes: NodeEntry[] = [];
  const cli = async (port: number, ...args: string[]) => (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 30_000 })).stdout;
  const nodeOf = (port: number): NodeEntry => {
    const node = nodes.find((n) => n.port === port);
    if (!node) throw new Error(`no node on port ${port}`);
    return node;
  };
  const up = () => nodes.filter((n) => n.state === 'up');
  const launch = (port: number, bus: number, folder: string) =>
    spawn(
      'redis-server',
      ['--port', String(port), '--cluster-port', String(bus), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000', '--save', '', '--appendonly', 'no', '--dir', folder, '--maxmemory-policy', 'noeviction', '--repl-diskless-sync-delay', '0'],
      { stdio: 'ignore' },
    );
  const killProcess = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  const stop = async () => {
    process.off('exit', killAll);
    await Promise.all(nodes.map((n) => killProcess(n.process)));
    rmSync(dir, { recursive: true, force: true });
  };
  // Should this process die without calling stop(), its Redis nodes die with it (no cluster left running).
  const killAll = () => nodes.forEach((n) => n.process.kill('SIGKILL'));
  process.once('exit', killAll);

  const self = async (port: number): Promise<SelfView> => {
    const line = (await cli(port, 'CLUSTER', 'NODES')).split('\n').find((l) => l.includes('myself'))!;
    const f = line.split(' ');
    return { id: f[0]!, port, master: f[2]!.includes('master'), masterId: f[3]!, slots: slotRanges(f) };
  };
  const selves = () => Promise.all(up().map((n) => self(n.port)));
  async function topology(): Promise<Array<{ master: number; replica: number | null }>> {
    const all = await selves();
    return all.filter((s) => s.master).map((m) => ({ master: m.port, replica: all.find((r) => !r.master && r.masterId === m.id)?.port ?? null }));
  }
  const clusterOk = async () => (await Promise.all(up().map((n) => cli(n.port, 'CLUSTER', 'INFO')))).every((info) => info.includes('cluster_state:ok'));
  const replicaOf = async (masterPort: number) => (await topology()).find((t) => t.master === masterPort)?.replica ?? null;
  const synced = async (replica: number) => {
    const info = await cli(replica, 'INFO', 'replication');
    return info.includes('master_link_status:up') && info.includes('master_sync_in_progress:0');
  };
  /** Every node that is up lists `id` as a master serving slots, and says the cluster state is ok. */
  const promotedEverywhere = async (id: string) => {
    const views = await Promise.all(up().map((n) => cli(n.port, 'CLUSTER', 'NODES')));
    const listsIt = views.every((view) => {
      const line = view.split('\n').find((l) => l.startsWith(`${id} `));
      return line !== undefined && line.split(' ')[2]!.includes('master') && slotRanges(line.split(' ')).length > 0;
    });
    return listsIt && (await clusterOk());
  };
  const masterOfSlot = async (slot: number) => {
    const owner = (await selves()).find((s) => s.master && s.slots.some(([a, b]) => slot >= a && slot <= b));
    if (!owner) throw new Error(`no master serves slot ${slot} now`);
    return owner.port;
  };
  const slotOf = async (key: string) => Number((await cli(up()[0]!.port, 'CLUSTER', 'KEYSLOT', key)).trim());

  try {
    const ports = await freePorts(masters * 4);
    for (let i = 0; i < masters * 2; i++) nodes.push({ port: ports[2 * i]!, bus: ports[2 * i + 1]!, process: launch(ports[2 * i]!, ports[2 * i + 1]!, dir), state: 'up' });
    for (const n of nodes) await until(async () => (await cli(n.port, 'PING').catch(() => '')).trim() === 'PONG', `node ${n.port} to start`);
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '1', '--cluster-yes'], { timeout: 60_000 });
    await until(clusterOk, 'the cluster state to be ok on every node');
    // Every replica attached and its first full sync done: a failover before that promotes a replica without the
    // data (CLUSTER NODES lists a replica as soon as it is assigned, long before it holds anything).
    // (Waits long: a full `npm test` keeps both cores busy while the replicas attach.)
    await until(async () => (await topology()).every((t) => t.replica !== null), 'every master to have a replica', 90_000);
    await until(async () => (await Promise.all((await topology()).map((t) => synced(t.replica!)))).every(Boolean), 'every replica to finish its first sync');

    return {
      url: `redis://127.0.0.1:${nodes[0]!.port}`,
      nodes,
      cli,
      topology,
      async failover(masterPort: number) {
        // Right after another shard's failover a node may still be re-reading the topology: wait for the replica.
        await until(async () => (await replicaOf(masterPort)) !== null, `a replica of ${masterPort}`);
        const replica = await replicaOf(masterPort);
        if (replica === null) throw new Error(`no replica of ${masterPort}`);
        // A manual failover the master does not complete within its 5 s window is abandoned (the replica says
        // nothing): ask again, a few times.
        for (let attempt = 1; ; attempt++) {
          await cli(replica, 'CLUSTER', 'FAILOVER');
          const promoted = await until(async () => (await cli(replica, 'ROLE')).startsWith('master'), `${replica} to become master`, 7_000).then(() => true, () => false);
          if (promoted) break;
          if (attempt === 4) throw new Error(`${replica} did not take over from ${masterPort}`);
        }
        await until(clusterOk, 'the cluster state to be ok again');
        return replica;
      },
      async takeover(replicaPort: number, graceMs = 0) {
        const id = (await self(replicaPort)).id;
        const isMaster = async () => (await cli(replicaPort, 'ROLE')).startsWith('master');
        const byCluster = graceMs > 0 && (await until(isMaster, `${replicaPort} to be promoted by the cluster`, graceMs).then(() => true, () => false));
        if (!byCluster) {
          const reply = (await cli(replicaPort, 'CLUSTER', 'FAILOVER', 'TAKEOVER')).trim();
          if (reply !== 'OK') throw new Error(`CLUSTER FAILOVER TAKEOVER on ${replicaPort}: ${reply}`);
          await until(isMaster, `${replicaPort} to become master`, 10_000);
        }
        await until(() => promotedEverywhere(id), `every node to list ${replicaPort} as master and the cluster state to be ok`);
        return byCluster ? 'cluster' : 'takeover';
      },
      pause(port: number) {
        const node = nodeOf(port);
        node.process.kill('SIGSTOP');
        node.state = 'stopped';
      },
      resume(port: number) {
        const node = nodeOf(port);
        node.process.kill('SIGCONT');
        node.state = 'up';
      },
      async kill(port: number) {
        const node = nodeOf(port);
        node.state = 'dead';
        await killProcess(node.process);
      },
      async restartEmpty(port: number, masterPort: number) {
        const node = nodeOf(port);
        if (node.state !== 'dead') throw new Error(`node ${port} is ${node.state}, not dead`);
        const master = await self(masterPort);
        // The dead node's id: forgotten by every node that is up, so the new one at its address is not confused with it.
        const oldId = (await cli(masterPort, 'CLUSTER', 'NODES')).split('\n').find((l) => l.includes(` 127.0.0.1:${port}@`))?.split(' ')[0];
        if (oldId) await Promise.all(up().map((n) => cli(n.port, 'CLUSTER', 'FORGET', oldId).catch(() => '')));
        node.process = launch(port, node.bus, mkdtempSync(path.join(dir, `node-${port}-`)));
        await until(async () => (await cli(port, 'PING').catch(() => '')).trim() === 'PONG', `node ${port} to start again`);
        node.state = 'up';
        await cli(port, 'CLUSTER', 'MEET', '127.0.0.1', String(masterPort), String(nodeOf(masterPort).bus));
        await until(async () => (await cli(port, 'CLUSTER', 'NODES')).includes(`${master.id} `), `node ${port} to learn its master`);
        await until(async () => (await cli(port, 'CLUSTER', 'REPLICATE', master.id)).trim() === 'OK', `node ${port} to replicate ${masterPort}`);
        await until(async () => (await replicaOf(masterPort)) === port && (await synced(port)), `node ${port} to finish its first sync`);
      },
      async cutReplicas(masterPort: number) {
        return Number((await cli(masterPort, 'CLIENT', 'KILL', 'TYPE', 'replica')).trim());
      },
      replicaOf,
      slotOf,
      masterOfSlot,
      async masterOf(key: string) {
        return masterOfSlot(await slotOf(key));
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function until(condition: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
