/**
 * The image's entrypoint: `node dist/services/vault/src/container/entrypoint.js <script.js> [args…]` — writes the
 * secrets the platform passed as SECRET_FILE_* variables to files (SECRET_FILES_DIR, default /run/vault/secrets:
 * a writable volume on an otherwise read-only filesystem), removes them from the environment, then runs the
 * script in this process (the vault, the key-rotation job, the migrator) with its arguments.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeSecretFiles } from './secret-files.ts';

const [script, ...args] = process.argv.slice(2);
if (!script) {
  process.stderr.write('usage: entrypoint.js <script.js> [args…]\n');
  process.exit(2);
}
const dir = process.env['SECRET_FILES_DIR'] ?? '/run/vault/secrets';
delete process.env['SECRET_FILES_DIR'];
try {
  const written = writeSecretFiles(process.env, dir);
  if (written.length) process.stderr.write(`${JSON.stringify({ level: 'info', msg: 'secret files written', dir, files: written })}\n`);
} catch (err) {
  process.stderr.write(`entrypoint: ${(err as Error).message}\n`);
  process.exit(78);
}
process.argv = [process.argv[0]!, path.resolve(script), ...args];
await import(pathToFileURL(path.resolve(script)).href);
