import { Worker } from 'node:worker_threads';

/**
 * Starts the module `entry` on a worker thread. A worker does not inherit the TypeScript loader the job runs
 * under (`node --import tsx`, or vitest's): for a `.ts` entry the thread first registers tsx's loader, then imports
 * it. A compiled `.js` entry starts as it is.
 */
export function startWorkerThread(entry: URL, workerData: unknown): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  const loader = import.meta.resolve('tsx/esm/api');
  const bootstrap = `
    const { workerData } = require('node:worker_threads');
    import(workerData.loader).then((tsx) => { tsx.register(); return import(workerData.entry); });
  `;
  return new Worker(bootstrap, { eval: true, workerData: { ...(workerData as object), loader, entry: entry.href } });
}

/** `./<name>.ts` beside the calling module when it runs as TypeScript, `./<name>.js` when compiled. */
export function siblingModule(name: string, callerUrl: string): URL {
  const extension = new URL(callerUrl).pathname.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${extension}`, callerUrl);
}
