import net from 'node:net';

/** A configured listener port is taken. */
export class PortInUse extends Error {
  override readonly name = 'PortInUse';
  constructor(
    readonly variable: string,
    host: string,
    port: number,
  ) {
    super(`${variable}: port ${port} on ${host} is in use (another vault?); set ${variable} to a free port, or 0 to let the OS choose`);
  }
}

export interface ConfiguredPort {
  readonly variable: string;
  readonly host: string;
  readonly port: number;
}

/**
 * Before the database is opened: every fixed listener port can be bound now (0 always can). Nothing is kept
 * bound, so this cannot replace the real listen — whose EADDRINUSE `listenError` maps the same way — but it
 * fails a second vault before it runs its start-up steps.
 */
export async function assertPortsFree(ports: readonly ConfiguredPort[]): Promise<void> {
  for (const p of ports) {
    if (p.port === 0) continue;
    await new Promise<void>((resolve, reject) => {
      const probe = net.createServer();
      probe.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUse(p.variable, p.host, p.port) : err));
      probe.listen(p.port, p.host, () => probe.close(() => resolve()));
    });
  }
}

/** The error of a listener that failed to bind, naming its variable when the port was taken. */
export function listenError(err: unknown, port: ConfiguredPort): unknown {
  return (err as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE' ? new PortInUse(port.variable, port.host, port.port) : err;
}
