/**
 * Prints, as one JSON line, every SQL statement the vault and its tools declare with `statement()`
 * (services/vault/src/storage/sql.ts) — what test/integration/schema-and-sql.test.ts PREPAREs against the migrated
 * database. Run in a process of its own (`node --import tsx`), so the registry holds the services' statements
 * only: test files that share a worker (vitest's isolate: false) declare statements of their own.
 *
 * Every module under services/ that imports `statement` from sql.ts is imported (a new repository is found
 * without being listed here); the statements built on demand are declared too: the key-version reads over
 * every registered encrypted table, and the audit INSERTs for one and for several events.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../services/vault/src/config/repo-paths.ts';

const DECLARES = /import\s*\{[^}]*\bstatement\b[^}]*\}\s*from\s*'[^']*\bsql\.ts'/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const modules = sources(path.join(REPO_ROOT, 'services')).filter((file) => DECLARES.test(readFileSync(file, 'utf8')));
for (const file of modules) await import(pathToFileURL(file).href);

const { declaredStatements } = await import('../../services/vault/src/storage/sql.ts');
const { keyVersionStatements } = await import('../../services/vault/src/key-versions/key-version-repository.ts');
const { ENCRYPTED_RECORD_TYPES } = await import('../../services/vault/src/wiring/encrypted-record-registry.ts');
const { SqlAuditStore } = await import('../../services/vault/src/audit/audit-store.ts');

keyVersionStatements(ENCRYPTED_RECORD_TYPES);
const event = { action: 'schema.check', outcome: 'success', actorService: 'test', requestId: 'r' } as const;
const audit = new SqlAuditStore({ rows: async () => [], count: async () => 0 }, 1);
audit.rows([event]);
audit.rows([event, event]);

process.stdout.write(`${JSON.stringify({ modules: modules.map((m) => path.relative(REPO_ROOT, m)), statements: declaredStatements() })}\n`);
