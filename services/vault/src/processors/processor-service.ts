import { z } from 'zod';
import { serviceEvent } from '../audit/audit-event.ts';
import { parseInput } from '../errors/parse-input.ts';
import { ClientError } from '../errors/vault-error.ts';
import type { ServiceActor } from '../identity/actor.ts';
import type { AuditedUnitOfWork } from '../audit/audited-unit-of-work.ts';
import { currentKey, sameKey, validateJwks } from './processor-keys.ts';
import type { ProcessorRecord, ProcessorRepository } from './processor-repository.ts';
import type { ProcessorKey } from '../crypto/processor-key.ts';
import type { RevocationEpochRepository } from '../payment-policy/revocation-epochs.ts';

/** The repositories these rules read and write (with the audit store, which every service has). */
export interface ProcessorRepositories {
  readonly processors: ProcessorRepository;
  readonly revocationEpochs: RevocationEpochRepository;
}

export const PROCESSOR_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const putProcessorSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    enabled: z.boolean(),
    jwks: z.object({ keys: z.array(z.unknown()) }).strict(),
  })
  .strict();

export interface ProcessorView {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly currentKid: string | null;
  readonly jwks: { readonly keys: ReadonlyArray<ProcessorKey['jwk']> };
  readonly updatedAt: string;
}

function toView(p: ProcessorRecord): ProcessorView {
  return { id: p.id, name: p.name, enabled: p.enabled, currentKid: currentKey(p.keys)?.kid ?? null, jwks: { keys: p.keys.map((k) => k.jwk) }, updatedAt: p.updatedAt.toISOString() };
}

/** A processor that may receive tokens: registered, enabled, with a current key. */
export interface ProcessorRecipient {
  readonly id: string;
  readonly key: ProcessorKey;
}

/** The registry of partner processors and their public encryption keys. */
export class ProcessorService {
  constructor(
    private readonly uow: AuditedUnitOfWork<ProcessorRepositories>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async put(actor: ServiceActor, id: string, body: unknown): Promise<ProcessorView> {
    if (!PROCESSOR_ID.test(id)) throw new ClientError('invalid_request', [{ path: 'id', code: 'invalid_processor_id' }]);
    const input = parseInput(putProcessorSchema, body);
    const previous = await this.uow.repos.processors.find(id);
    const keys = await validateJwks(input.jwks, previous?.keys ?? [], this.now());
    const removed = (previous?.keys ?? []).filter((old) => !keys.some((k) => sameKey(k.jwk, old.jwk)));
    // Disabling a processor or taking a key out of its JWKS ends every token it could still redeem: its revocation
    // epoch is bumped in the write's transaction (both commit or neither; an issue that read the old epoch loses).
    const revokes = previous !== null && (!input.enabled || removed.length > 0);
    const saved = await this.uow.transaction(async (repos) => {
      const row = await repos.processors.upsert({ id, name: input.name, enabled: input.enabled, keys });
      if (revokes) await repos.revocationEpochs.bump({ kind: 'processor', processorId: id });
      await repos.audit.append({
        ...serviceEvent(actor, previous ? 'processor.update' : 'processor.register', id),
        reason: revokes ? 'tokens_revoked' : null,
      });
      return row;
    });
    return toView(saved);
  }

  async list(actor: ServiceActor): Promise<ProcessorView[]> {
    const rows = await this.uow.repos.processors.list();
    await this.uow.repos.audit.append(serviceEvent(actor, 'processor.list', null));
    return rows.map(toView);
  }

}

/** `processor`'s current key if it may receive a token now, else 422 `processor_unknown`. */
export function recipientOf(processor: ProcessorRecord | null): ProcessorRecipient {
  const key = processor?.enabled ? currentKey(processor.keys) : null;
  if (!processor || !key) throw new ClientError('processor_unknown', [{ path: 'processorId', code: 'processor_unknown' }]);
  return { id: processor.id, key };
}
