import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

/** Another live process holds the embedded database's data folder. */
export class DataFolderInUse extends Error {
  override readonly name = 'DataFolderInUse';
  constructor(
    readonly folder: string,
    readonly pid: number,
  ) {
    super(`the embedded database under ${folder} is in use by process ${pid} (another vault?): stop it, or set VAULT_DEV_DATA_DIR to another folder`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<folder>.lock` (created exclusively, holding this process's pid) so two vaults never open one embedded
 * database folder; a lock left by a process that is gone is taken over. Returns the release function.
 */
export function lockDataFolder(folder: string): () => void {
  const lock = `${folder}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = () => rmSync(lock, { force: true });
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(lock, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) throw new DataFolderInUse(folder, holder);
      rmSync(lock, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`could not take ${lock}`);
}
