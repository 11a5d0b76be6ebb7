import type { VaultConfig } from '../config/vault-config.ts';
import { openDatabase, type Database } from './database.ts';
import type { EmbeddedPostgres } from './embedded-postgres.ts';

export interface ConfiguredDatabase {
  readonly database: Database;
  /** What to show a person: the embedded data folder, or the server's host and database (never credentials). */
  readonly description: string;
  close(): Promise<void>;
}

/** The configured PostgreSQL, or — in dev mode without DATABASE_URL — the embedded PGlite one. */
export async function openConfiguredDatabase(config: VaultConfig): Promise<ConfiguredDatabase> {
  let embedded: EmbeddedPostgres | null = null;
  let url = config.database.url;
  let poolMax = config.database.poolMax;
  let description: string;
  if (url) {
    const parsed = new URL(url);
    description = `PostgreSQL at ${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } else {
    // Loaded only here: PGlite (PostgreSQL in WebAssembly) is dev mode's alone, and a production vault, the
    // key-rotation workers and every tool on a real server need not load it (~150 ms of every start).
    const { startEmbeddedPostgres } = await import('./embedded-postgres.ts');
    embedded = await startEmbeddedPostgres(config.database.devDataDir);
    url = embedded.url;
    // One session behind every connection: one live connection at a time, each starting that session afresh
    // (embedded.onConnect, the pool's hook below).
    poolMax = 1;
    description = `embedded PGlite under ${config.database.devDataDir} (set DATABASE_URL for a real server)`;
  }
  const database = openDatabase({ url, poolMax, ...(embedded ? { onConnect: embedded.onConnect } : {}) });
  return {
    database,
    description,
    async close() {
      await database.close();
      await embedded?.stop();
    },
  };
}
