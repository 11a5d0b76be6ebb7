import { readFileSync } from 'node:fs';
import { keysExample } from '../config/repo-paths.ts';
import type { PartnerService } from '../partners/partner-service.ts';
import { EXAMPLE_PARTNERS } from './invoice-mint.ts';

/** Dev mode: registers the example invoice partners with their keys-example public JWKS (idempotent). */
export async function seedExamplePartners(partners: PartnerService): Promise<void> {
  for (const { id, name } of EXAMPLE_PARTNERS) {
    const jwks = JSON.parse(readFileSync(keysExample('partners', `${id}-public.jwks.json`), 'utf8')) as unknown;
    await partners.put({ service: 'dev-seed', requestId: 'dev-seed' }, id, { name, enabled: true, jwks });
  }
}
