import { readFileSync } from 'node:fs';
import { keysExample } from '../config/repo-paths.ts';
import type { ProcessorService } from '../processors/processor-service.ts';

export const EXAMPLE_PROCESSORS = [
  { id: 'xero-payments', name: 'Xero Payments (example)' },
  { id: 'freshbooks-payments', name: 'FreshBooks Payments (example)' },
] as const;

/** Dev mode: registers the example processors with their keys-example public JWKS (idempotent). */
export async function seedExampleProcessors(processors: ProcessorService): Promise<void> {
  for (const { id, name } of EXAMPLE_PROCESSORS) {
    const jwks = JSON.parse(readFileSync(keysExample('processors', `${id}-public.jwks.json`), 'utf8')) as unknown;
    await processors.put({ service: 'dev-seed', requestId: 'dev-seed' }, id, { name, enabled: true, jwks });
  }
}
