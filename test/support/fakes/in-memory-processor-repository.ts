import type { ProcessorKey } from '../../../services/vault/src/crypto/processor-key.ts';
import { InMemoryKeyRegistryRepository } from './in-memory-key-registry.ts';
import type { Binding } from './in-memory-tables.ts';

/** `processors` in memory. */
export class InMemoryProcessorRepository extends InMemoryKeyRegistryRepository<ProcessorKey> {
  constructor(b: Binding) {
    super(b, (db) => db.processors);
  }
}
