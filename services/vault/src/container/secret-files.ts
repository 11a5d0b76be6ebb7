import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Environment variables the container platform fills from its secret store, one per file. */
export const SECRET_FILE_PREFIX = 'SECRET_FILE_';

/**
 * `SECRET_FILE_TLS_KEY__PEM` → `tls-key.pem`: lower case, `__` for the dot, `_` for a dash. Only letters,
 * digits and single underscores between them: a name cannot climb out of the folder.
 */
export function secretFileName(variable: string): string | null {
  const stem = variable.slice(SECRET_FILE_PREFIX.length);
  if (!/^[A-Z0-9]+(_{1,2}[A-Z0-9]+)*$/.test(stem)) return null;
  return stem.toLowerCase().replaceAll('__', '.').replaceAll('_', '-');
}

/**
 * Writes every SECRET_FILE_* variable to `dir` (mode 0400, the folder 0700) and removes it from `env`, so the
 * vault reads certificates and keys from files as everywhere else, and nothing it starts inherits them. Returns
 * the file names written (never their contents). A variable whose name is not a safe file name is an error.
 */
export function writeSecretFiles(env: NodeJS.ProcessEnv, dir: string): string[] {
  const written: string[] = [];
  for (const variable of Object.keys(env).filter((k) => k.startsWith(SECRET_FILE_PREFIX)).sort()) {
    const name = secretFileName(variable);
    if (!name) throw new Error(`${variable}: not a usable secret file name (A-Z, 0-9, _ and __ only)`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700); // mkdir leaves an existing folder's mode as it was
    const file = path.join(dir, name);
    rmSync(file, { force: true }); // a 0400 file from an earlier start of the same container cannot be overwritten
    writeFileSync(file, env[variable] ?? '', { mode: 0o400, flag: 'wx' });
    delete env[variable];
    written.push(name);
  }
  return written;
}
