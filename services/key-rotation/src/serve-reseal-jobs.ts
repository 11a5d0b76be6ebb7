import type { MessagePort } from 'node:worker_threads';
import { buildCrypto, ENCRYPTED_RECORD_TYPES, KeyringUnavailable } from '../../vault/src/index.ts';
import { outageKind } from './keyring-outage.ts';
import { packBytes, unpackBytes, type ResealJob, type ResealWorkerConfig, type WorkerReply } from './reseal-messages.ts';
import { resealRows } from './reseal-rows.ts';

/**
 * The body of a reseal worker (reseal-worker.ts): crypto built once from `config`, then one reply per job on
 * `port`, in the order the jobs came. Kept apart from the entry so a test can start a worker that misbehaves.
 */
export function serveResealJobs(port: MessagePort, config: ResealWorkerConfig): void {
  const crypto = buildCrypto(config.keys, config.retired);
  const reply = (message: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  let queue = Promise.resolve();
  port.on('message', (job: ResealJob) => {
    queue = queue.then(async () => {
      try {
        const type = ENCRYPTED_RECORD_TYPES.find((t) => t.name === job.type);
        if (!type) throw new Error(`${job.type} is not a registered encrypted record type`);
        const ciphertexts = unpackBytes(job.ciphertexts);
        const requests = job.contexts.map((context, i) => ({ ciphertext: ciphertexts[i]!, context, rewrap: job.rewrap[i]!, digests: job.digests[i]! }));
        const results = await resealRows(crypto, type, requests);
        const packed = packBytes(results.map((r) => (r.kind === 'resealed' ? r.ciphertext : null)));
        reply({ kind: 'resealed', job: job.job, ciphertexts: packed, digests: results.map((r) => (r.kind === 'resealed' ? r.digests : null)) }, [packed.bytes.buffer as ArrayBuffer]);
      } catch (err) {
        const keyringUnavailable = err instanceof KeyringUnavailable ? outageKind(err) : null;
        reply({ kind: 'error', job: job.job, name: (err as Error).name ?? 'Error', message: (err as Error).message ?? 'reseal failed', keyringUnavailable });
      }
    });
  });
  reply({ kind: 'ready', keyVersion: crypto.envelope.currentKeyVersion, fingerprintVersion: crypto.fingerprinter.keyVersion });
}
