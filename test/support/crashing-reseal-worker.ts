/**
 * A reseal worker that serves its first CRASH_AFTER_JOBS jobs like the real one, then dies on the next with an
 * uncaught error — a worker crash in the middle of a rotation, for test/integration/key-rotation-workers.test.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ResealWorkerConfig } from '../../services/key-rotation/src/reseal-messages.ts';
import { serveResealJobs } from '../../services/key-rotation/src/serve-reseal-jobs.ts';

export const CRASH_AFTER_JOBS = 3;

let jobs = 0;
// Registered before the real handler, so the job that crashes is never answered.
parentPort!.on('message', () => {
  if (++jobs > CRASH_AFTER_JOBS) throw new Error('reseal worker crashed on purpose (test)');
});
serveResealJobs(parentPort!, workerData as ResealWorkerConfig);
