/**
 * A reseal worker thread's entry: builds its own envelope and fingerprinter from the keys' configuration, then
 * answers each job from the job's thread — opens the rows, seals them again, recomputes digests — so plaintext
 * and key material stay in this thread. Started by `WorkerPoolResealer`; an uncaught error ends the thread,
 * which fails the job (the pool sees the exit).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serveResealJobs } from './serve-reseal-jobs.ts';
import type { ResealWorkerConfig } from './reseal-messages.ts';

serveResealJobs(parentPort!, workerData as ResealWorkerConfig);
