import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { lockDataFolder } from './data-folder-lock.ts';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Dev mode only: PostgreSQL compiled to WebAssembly (PGlite), persisted under `dataDir`, served on a loopback
 * port over the ordinary wire protocol, so the vault talks to it through the same pg/Prisma path as to a real
 * server. PGlite is single-connection: the pool on top of it must have max 1.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const release = lockDataFolder(dataDir);
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();
  const address = (server as unknown as { server?: { address(): { port: number } } }).server?.address();
  if (!address) throw new Error('embedded PostgreSQL did not report its port');
  return {
    url: `postgresql://postgres@127.0.0.1:${address.port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
      release();
    },
  };
}
