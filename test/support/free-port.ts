import net from 'node:net';

/** A TCP port free on loopback right now. */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

/**
 * `n` ports free on loopback, all different: each is held until every one is chosen. (One `freePort` after another
 * can return a port again before the server given it binds it: two nodes of a cluster once got the same port, one
 * of them died, and `--cluster create` made a five-node cluster of it.)
 */
export async function freePorts(n: number): Promise<number[]> {
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
