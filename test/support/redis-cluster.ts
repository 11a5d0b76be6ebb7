import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ClusterNode {
  readonly port: number;
  readonly process: ChildProcess;
}

export interface OwnRedisCluster {
  /** A seed node's URL, as VAULT_REDIS_URL takes it with VAULT_REDIS_MODE=cluster. */
  readonly url: string;
  readonly nodes: readonly ClusterNode[];
  /** `redis-cli -p <port> <args>` on one node; its output. */
  cli(port: number, ...args: string[]): Promise<string>;
  /** The ports of the masters now, and of each one's replica. */
  topology(): Promise<Array<{ master: number; replica: number | null }>>;
  /**
   * `CLUSTER FAILOVER` on the replica of the master at `masterPort` (coordinated: the replica catches up with
   * its master, then the two swap roles); resolves once the old replica reports itself master and the cluster
   * state is ok on every node. Returns the new master's port.
   */
  failover(masterPort: number): Promise<number>;
  stop(): Promise<void>;
}

/**
 * A Redis Cluster of the test's own: `masters` masters with one replica each, every node on ports the OS chose
 * (client and cluster-bus port both given explicitly, so nothing assumes port + 10000), in a temporary folder,
 * created with `redis-cli --cluster create`. Nothing of the shared Redis on 6379 is touched.
 */
export async function startRedisCluster(masters = 3): Promise<OwnRedisCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vault-redis-cluster-'));
  const nodes: ClusterNode[] = [];
  const cli = async (port: number, ...args: string[]) => (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 30_000 })).stdout;
  const stop = async () => {
    process.off('exit', killAll);
    await Promise.all(
      nodes.map(
        (n) =>
          new Promise<void>((resolve) => {
            if (n.process.exitCode !== null || n.process.signalCode !== null) return resolve();
            n.process.once('exit', () => resolve());
            n.process.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  // Should this process die without calling stop(), its Redis nodes die with it (no cluster left running).
  const killAll = () => nodes.forEach((n) => n.process.kill('SIGKILL'));
  process.once('exit', killAll);
  try {
    const ports = await distinctFreePorts(masters * 4);
    for (let i = 0; i < masters * 2; i++) {
      const port = ports[2 * i]!;
      const bus = ports[2 * i + 1]!;
      const child = spawn(
        'redis-server',
        ['--port', String(port), '--cluster-port', String(bus), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '2000', '--save', '', '--appendonly', 'no', '--dir', dir, '--maxmemory-policy', 'noeviction', '--repl-diskless-sync-delay', '0'],
        { stdio: 'ignore' },
      );
      nodes.push({ port, process: child });
    }
    for (const n of nodes) await until(async () => (await cli(n.port, 'PING').catch(() => '')).trim() === 'PONG', `node ${n.port} to start`);
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '1', '--cluster-yes'], { timeout: 60_000 });
    const clusterOk = async () => (await Promise.all(nodes.map((n) => cli(n.port, 'CLUSTER', 'INFO')))).every((info) => info.includes('cluster_state:ok'));
    await until(clusterOk, 'the cluster state to be ok on every node');
    // Every replica attached and its first full sync done: a failover before that promotes a replica without the
    // data (CLUSTER NODES lists a replica as soon as it is assigned, long before it holds anything).
    // (Waits long: a full `npm test` keeps both cores busy while the replicas attach.)
    await until(async () => (await topology()).every((t) => t.replica !== null), 'every master to have a replica', 90_000);
    await until(async () => (await Promise.all((await topology()).map((t) => cli(t.replica!, 'INFO', 'replication')))).every((info) => info.includes('master_link_status:up') && info.includes('master_sync_in_progress:0')), 'every replica to finish its first sync');

    /** From each node's own line of CLUSTER NODES (`myself`): a node is authoritative about its own role. */
    async function topology(): Promise<Array<{ master: number; replica: number | null }>> {
      const selves = await Promise.all(
        nodes.map(async (n) => {
          const line = (await cli(n.port, 'CLUSTER', 'NODES')).split('\n').find((l) => l.includes('myself'))!;
          const f = line.split(' ');
          return { id: f[0]!, port: n.port, master: f[2]!.includes('master'), masterId: f[3]! };
        }),
      );
      return selves.filter((s) => s.master).map((m) => ({ master: m.port, replica: selves.find((r) => !r.master && r.masterId === m.id)?.port ?? null }));
    }

    return {
      url: `redis://127.0.0.1:${nodes[0]!.port}`,
      nodes,
      cli,
      topology,
      async failover(masterPort: number) {
        // Right after another shard's failover a node may still be re-reading the topology: wait for the replica.
        const replicaOf = async () => (await topology()).find((t) => t.master === masterPort)?.replica ?? null;
        await until(async () => (await replicaOf()) !== null, `a replica of ${masterPort}`);
        const replica = await replicaOf();
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
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * `n` ports free on loopback, all different: each is held until every one is chosen. (One `freePort` after another
 * can return a port again before the server given it binds it: two nodes of a cluster once got the same port, one
 * of them died, and `--cluster create` made a five-node cluster of it.)
 */
async function distinctFreePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, async () => {
      const server = net.createServer();
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return server;
    }),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

async function until(condition: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
