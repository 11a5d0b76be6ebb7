import type { Worker } from 'node:worker_threads';
import { type EncryptedRecordType, ENCRYPTED_RECORD_TYPES } from '../../vault/src/index.ts';
import { keyringUnavailableReported } from './keyring-outage.ts';
import { packBytes, unpackBytes, type ResealJob, type ResealWorkerConfig, type WorkerReply } from './reseal-messages.ts';
import type { Resealer, ResealRequest, ResealResult } from './resealer.ts';
import { siblingModule, startWorkerThread } from './start-worker-thread.ts';

/** A reseal worker died or would not start: the batch in hand rolls back, the job stops, a rerun resumes. */
export class ResealWorkerFailed extends Error {
  override readonly name = 'ResealWorkerFailed';
}

export interface WorkerPoolOptions extends ResealWorkerConfig {
  /** Worker threads to start (≥ 1). */
  readonly workers: number;
  /** The worker's module; a test may start another (one that dies). Default: reseal-worker.ts beside this file. */
  readonly entry?: URL;
}

interface Chunk {
  readonly message: Omit<ResealJob, 'job'>;
  readonly resolve: (results: ResealResult[]) => void;
  readonly reject: (err: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  /** The chunk it is working on, or null when idle. */
  current: (Chunk & { readonly job: number }) | null;
}

/**
 * Reseals on worker threads, one per core by default: each builds its own envelope from the same key
 * configuration, receives chunks of ciphertexts with their contexts, and returns the new ciphertexts and digests.
 * A batch is split across the workers; chunks of several batches queue, and each idle worker takes the next.
 * If any worker dies, every chunk in hand or queued fails with `ResealWorkerFailed`, and so does every later call.
 */
export class WorkerPoolResealer implements Resealer {
  readonly #slots: Slot[] = [];
  readonly #queue: Chunk[] = [];
  #nextJob = 1;
  #broken: ResealWorkerFailed | null = null;
  #closing = false;

  #keyVersion = '';
  #fingerprintVersion = '';

  private constructor() {}

  /** Starts the workers and waits until each has built its crypto (a key that does not load fails here). */
  static async start(options: WorkerPoolOptions): Promise<WorkerPoolResealer> {
    /* Precondition: at least one worker, or nothing would ever be resealed. */
    if (!Number.isInteger(options.workers) || options.workers < 1) throw new Error('a worker pool needs at least one worker');
    const config: ResealWorkerConfig = { keys: options.keys, retired: options.retired };
    const entry = options.entry ?? siblingModule('reseal-worker', import.meta.url);
    const pool = new WorkerPoolResealer();
    // Watched from the start: a worker that dies at any point breaks the pool (an unwatched 'error' would end the process).
    const workers = Array.from({ length: options.workers }, () => pool.#adopt(startWorkerThread(entry, config)));
    try {
      const ready = await Promise.all(workers.map(whenReady));
      const first = ready[0]!;
      /* Precondition: every worker seals under the same key versions (they read the same configuration). */
      if (ready.some((r) => r.keyVersion !== first.keyVersion || r.fingerprintVersion !== first.fingerprintVersion)) {
        throw new ResealWorkerFailed('reseal workers disagree on the current key versions');
      }
      pool.#keyVersion = first.keyVersion;
      pool.#fingerprintVersion = first.fingerprintVersion;
      return pool;
    } catch (err) {
      await pool.close();
      throw err;
    }
  }

  get keyVersion(): string {
    return this.#keyVersion;
  }

  get fingerprintVersion(): string {
    return this.#fingerprintVersion;
  }

  get workers(): number {
    return this.#slots.length;
  }

  async reseal(type: EncryptedRecordType, requests: readonly ResealRequest[]): Promise<ResealResult[]> {
    /* Precondition: a worker finds the type by name in the registry; a type of a test's own is resealed in-thread. */
    if (!ENCRYPTED_RECORD_TYPES.includes(type)) throw new Error(`${type.name} is not a registered encrypted record type; worker threads reseal only those`);
    if (requests.length === 0) return [];
    const size = Math.ceil(requests.length / this.#slots.length);
    const parts: Promise<ResealResult[]>[] = [];
    for (let at = 0; at < requests.length; at += size) parts.push(this.#submit(type.name, requests.slice(at, at + size)));
    return (await Promise.all(parts)).flat();
  }

  /** Stops every worker; chunks still in hand fail. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#fail(new ResealWorkerFailed('the reseal workers were stopped'));
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
  }

  #submit(type: string, requests: readonly ResealRequest[]): Promise<ResealResult[]> {
    if (this.#broken) return Promise.reject(this.#broken);
    return new Promise((resolve, reject) => {
      const message = {
        kind: 'reseal' as const,
        type,
        ciphertexts: packBytes(requests.map((r) => r.ciphertext)),
        contexts: requests.map((r) => r.context),
        rewrap: requests.map((r) => r.rewrap),
        digests: requests.map((r) => r.digests),
      };
      this.#queue.push({ message, resolve, reject });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (slot.current || this.#queue.length === 0) continue;
      const chunk = this.#queue.shift()!;
      slot.current = { ...chunk, job: this.#nextJob++ };
      const job: ResealJob = { ...chunk.message, job: slot.current.job };
      slot.worker.postMessage(job, [job.ciphertexts.bytes.buffer as ArrayBuffer]);
    }
  }

  #adopt(worker: Worker): Worker {
    const slot: Slot = { worker, current: null };
    this.#slots.push(slot);
    worker.on('message', (reply: WorkerReply) => {
      const chunk = slot.current;
      if (reply.kind === 'ready' || !chunk || reply.job !== chunk.job) return;
      slot.current = null;
      if (reply.kind === 'error' && reply.keyringUnavailable !== null) {
        chunk.reject(keyringUnavailableReported(reply.keyringUnavailable));
      } else if (reply.kind === 'error') {
        const err = new Error(reply.message);
        err.name = reply.name;
        chunk.reject(err);
      } else {
        const ciphertexts = unpackBytes(reply.ciphertexts);
        chunk.resolve(reply.digests.map((digests, i) => (digests ? { kind: 'resealed', ciphertext: ciphertexts[i] ?? null, digests } : { kind: 'failed' })));
      }
      this.#dispatch();
    });
    worker.on('error', (err) => this.#fail(new ResealWorkerFailed(`a reseal worker failed (${err.name}: ${err.message})`)));
    worker.on('exit', (code) => {
      if (!this.#closing) this.#fail(new ResealWorkerFailed(`a reseal worker exited (code ${code})`));
    });
    return worker;
  }

  /** The pool is broken for good: every chunk in hand or queued, and every later call, fails with `err`. */
  #fail(err: ResealWorkerFailed): void {
    if (this.#broken) return;
    this.#broken = err;
    for (const slot of this.#slots) {
      slot.current?.reject(err);
      slot.current = null;
    }
    for (const chunk of this.#queue.splice(0)) chunk.reject(err);
    if (!this.#closing) for (const slot of this.#slots) void slot.worker.terminate();
  }
}

/** Resolves with the worker's key versions once it has built its crypto; rejects if it dies first. */
function whenReady(worker: Worker): Promise<{ keyVersion: string; fingerprintVersion: string }> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: WorkerReply) => {
      if (reply.kind !== 'ready') return;
      cleanup();
      resolve({ keyVersion: reply.keyVersion, fingerprintVersion: reply.fingerprintVersion });
    };
    const onError = (err: Error) => {
      cleanup();
      reject(new ResealWorkerFailed(`a reseal worker did not start (${err.name}: ${err.message})`));
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new ResealWorkerFailed(`a reseal worker exited before it was ready (code ${code})`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
  });
}
