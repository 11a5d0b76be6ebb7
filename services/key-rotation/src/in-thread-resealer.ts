import type { Envelope, Fingerprinter, EncryptedRecordType } from '../../vault/src/index.ts';
import { resealRows } from './reseal-rows.ts';
import type { Resealer, ResealRequest, ResealResult } from './resealer.ts';

/**
 * Reseals on the job's own thread, with an envelope the caller built: `--workers 0`, and tests that rotate a
 * record type of their own (a worker thread knows only the registered ones).
 */
export class InThreadResealer implements Resealer {
  constructor(
    private readonly envelope: Envelope,
    private readonly fingerprinter: Fingerprinter,
  ) {}

  get keyVersion(): string {
    return this.envelope.currentKeyVersion;
  }

  get fingerprintVersion(): string {
    return this.fingerprinter.keyVersion;
  }

  reseal(type: EncryptedRecordType, requests: readonly ResealRequest[]): Promise<ResealResult[]> {
    return resealRows({ envelope: this.envelope, fingerprinter: this.fingerprinter }, type, requests);
  }
}
